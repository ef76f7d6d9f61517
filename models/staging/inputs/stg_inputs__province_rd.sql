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
        cast(province_code as varchar) as province_code,
        cast(year as integer) as year,
        try_cast(nullif(trim(cast(rd_expenditure_cny_10k as varchar)), '') as double)
            as rd_expenditure_cny_10k,
        try_cast(nullif(trim(cast(price_index as varchar)), '') as double) as price_index
    from source
)

select * from typed
