{# One row per index: the years and units its weights are estimated over. #}
with

source as (
    select * from {{ ref('index_samples') }}
),

renamed as (
    select
        cast(index_name as varchar) as index_name,
        cast(first_year as integer) as first_year,
        cast(last_year as integer) as last_year,
        coalesce(cast(excluded_unit_ids as varchar), '') as excluded_unit_ids,
        description
    from source
)

select * from renamed
