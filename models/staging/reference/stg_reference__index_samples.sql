{# One row per index: the years and units its weights are estimated over. From the shipped seed, or from var('index_samples_path') (bring your own). #}
with

source as (
    {% if var('index_samples_path') %}
    select * from {{ read_external_table(var('index_samples_path')) }}
    {% else %}
    select * from {{ ref('index_samples') }}
    {% endif %}
),

renamed as (
    select
        cast(index_name as varchar) as index_name,
        cast(first_year as integer) as first_year,
        cast(last_year as integer) as last_year,
        coalesce(cast(excluded_unit_ids as varchar), '') as excluded_unit_ids,
        {% if var('index_samples_path') %}
        cast(null as varchar) as description
        {% else %}
        description
        {% endif %}
    from source
)

select * from renamed
