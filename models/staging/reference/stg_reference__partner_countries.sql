with

source as (
    select * from {{ ref('partner_countries') }}
),

renamed as (
    select
        cast(country_code as varchar) as country_code,
        country_name,
        cast(is_region as boolean) as is_region
    from source
)

select * from renamed
