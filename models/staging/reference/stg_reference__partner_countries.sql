{# One row per partner economy: from the shipped seed, or from var('partner_countries_path') (bring your own list). #}
with

source as (
    {% if var('partner_countries_path') %}
    select * from {{ read_external_table(var('partner_countries_path')) }}
    {% else %}
    select * from {{ ref('partner_countries') }}
    {% endif %}
),

renamed as (
    select
        cast(country_code as varchar) as country_code,
        cast(country_name as varchar) as country_name,
        cast(is_region as boolean) as is_region
    from source
)

select * from renamed
