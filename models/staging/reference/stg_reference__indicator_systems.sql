{# The indicator system: from the shipped seed, or from var('indicator_system_path') (bring your own). #}
{#
    Weights: weight is an optional column of a user’s file, the user’s own weight of each
    indicator (given_weight; used when var index_weighting is given, macro given_weights),
    null when the file has none (the shipped seed has none).
    Labels: label_en and label_zh are optional columns of a user’s file (read when the
    file has them). label_en defaults to the indicator id; label_zh stays null when not
    given, and the Chinese tables and report then show label_en (and say so).
#}
{%- set user_path = var('indicator_system_path') -%}
{%- set given = external_columns(user_path) if user_path else ['label_en', 'label_zh'] -%}
with

source as (
    {% if user_path %}
    select * from {{ read_external_table(user_path) }}
    {% else %}
    select * from {{ ref('indicator_systems') }}
    {% endif %}
),

renamed as (
    select
        {{ input_text('index_name') }} as index_name,
        {{ input_text('dimension') }} as dimension,
        {{ input_text('indicator') }} as indicator,
        {%- for label in ['label_en', 'label_zh'] %}
        {% if label in given %}{{ input_text(label) }}{% else %}cast(null as string){% endif %} as {{ label }}_given,
        {%- endfor %}
        {{ input_text('direction') }} as direction,
        {% if 'weight' in given -%}
        {{ input_number('weight') }} as given_weight,
        {%- else -%}
        cast(null as double) as given_weight,
        {%- endif %}
        {% if user_path %}
        cast(null as string) as unit,
        cast(null as double) as published_weight,
        cast(null as string) as description
        {% else %}
        unit,
        cast(published_weight as double) as published_weight,
        description
        {% endif %}
    from source
),

labelled as (
    select
        index_name,
        dimension,
        indicator,
        coalesce(label_en_given, indicator) as label_en,
        label_zh_given as label_zh,
        direction,
        given_weight,
        unit,
        published_weight,
        description
    from renamed
)

select * from labelled
