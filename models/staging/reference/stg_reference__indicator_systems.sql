{# The indicator system: from the shipped seed, or from var('indicator_system_path') (bring your own). #}
with

source as (
    {% if var('indicator_system_path') %}
    select * from {{ read_external_table(var('indicator_system_path')) }}
    {% else %}
    select * from {{ ref('indicator_systems') }}
    {% endif %}
),

renamed as (
    select
        {{ input_text('index_name') }} as index_name,
        {{ input_text('dimension') }} as dimension,
        {{ input_text('indicator') }} as indicator,
        {{ input_text('direction') }} as direction,
        {% if var('indicator_system_path') %}
        cast(null as varchar) as unit,
        cast(null as double) as published_weight,
        cast(null as varchar) as description
        {% else %}
        unit,
        cast(published_weight as double) as published_weight,
        description
        {% endif %}
    from source
)

select * from renamed
