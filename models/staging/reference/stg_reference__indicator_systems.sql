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
        cast(index_name as varchar) as index_name,
        cast(dimension as varchar) as dimension,
        cast(indicator as varchar) as indicator,
        trim(cast(direction as varchar)) as direction,
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
