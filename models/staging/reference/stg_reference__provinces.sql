with

source as (
    select * from {{ ref('provinces') }}
),

renamed as (
    select
        cast(province_code as string) as province_code,
        province_name_en,
        province_name_zh,
        region,
        cast(is_coastal as boolean) as is_coastal,
        cast(ftz_year as integer) as ftz_year,
        region = 'east' as is_east,
        region in ('central', 'west') as is_central_west
    from source
)

select * from renamed
