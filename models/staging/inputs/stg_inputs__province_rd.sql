{# One row per province-year of nominal R&D expenditure and a price index, from var('province_rd_path'); no rows when the var is null (then the R&D stocks hold partners only). #}
{%- set province_rd_path = typed_var('province_rd_path') -%}

with

source as (
    {% if province_rd_path is not none -%}
    select * from {{ read_external_table(province_rd_path) }}
    {%- else -%}
    {#- no file: an empty relation of the same columns, so the PIM models stack no provinces #}
    select
        null as province_code,
        null as year,
        null as rd_expenditure_cny_10k,
        null as price_index
    where false
    {%- endif %}
),

typed as (
    select
        {{ input_text('province_code') }} as province_code,
        {{ input_integer('year') }} as year,
        {{ input_number('rd_expenditure_cny_10k') }} as rd_expenditure_cny_10k,
        {{ input_number('price_index') }} as price_index
    from source
    where {{ input_row_present([
        'province_code', 'year', 'rd_expenditure_cny_10k', 'price_index'
    ]) }}
)

select * from typed
