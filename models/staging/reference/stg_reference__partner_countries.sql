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
        {{ input_text('country_code') }} as country_code,
        {{ input_text('country_name') }} as country_name,
        cast(lower({{ input_text('is_region') }}) as boolean) as is_region
    from source
)

select * from renamed
