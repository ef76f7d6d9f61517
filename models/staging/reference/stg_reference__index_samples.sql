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
        {{ input_text('index_name') }} as index_name,
        {{ input_integer('first_year') }} as first_year,
        {{ input_integer('last_year') }} as last_year,
        coalesce({{ input_text('excluded_unit_ids') }}, '') as excluded_unit_ids,
        {% if var('index_samples_path') %}
        cast(null as string) as description
        {% else %}
        description
        {% endif %}
    from source
)

select * from renamed
