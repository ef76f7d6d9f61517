{#
    Average annual growth of real R&D per economy (partner country or province,
    int_rd_expenditures_deflated) over the study sample b..L, and the initial (base-year)
    R&D capital stock. One row per economy; b is the economy’s base year (var rd_base_year
    for countries, var province_rd_base_year for provinces), and for every economy
    L = min(var chen_last_year, last year of its series): the growth that sets the initial
    stock is measured over the years the analysis covers (2003-2019 in Chen), so R&D after
    the sample does not move the stocks inside it.

        geometric (default):  g_j = (RD_jL / RD_jb)^(1 / (L - b)) - 1
        log_mean:             g_j = mean_{t=b+1..L} ln(RD_jt / RD_j,t-1)
                                  (telescopes to ln(RD_jL / RD_jb) / (L - b) = ln(1 + g_geometric))
        initial stock:        S_jb = RD_jb / (g_j + delta)     (Griliches 1980 steady state)

    The stock is in the economy’s own currency_unit at base-year prices (the formulas are
    unit-free). Errors (raise_on_problems), naming the country or province and the base
    year: a series of one year (no growth rate) and g_j + delta <= 0 (no positive
    steady-state stock).
#}
{%- set base_year = typed_var('rd_base_year') -%}
{%- set province_base_year = typed_var('province_rd_base_year') -%}
{%- set has_province_rd = typed_var('province_rd_path') is not none -%}
{%- set delta = typed_var('rd_depreciation') -%}
{%- set growth_method = typed_var('rd_growth_method') -%}
{%- set sample_last_year = typed_var('chen_last_year') -%}
{%- if sample_last_year <= base_year -%}
    {{ exceptions.raise_compiler_error("int_rd_growth_rates_computed: var chen_last_year = " ~ sample_last_year ~ " must be after var rd_base_year = " ~ base_year ~ " (the growth rate needs at least two years).") }}
{%- endif -%}
{%- if has_province_rd and sample_last_year <= province_base_year -%}
    {{ exceptions.raise_compiler_error("int_rd_growth_rates_computed: var chen_last_year = " ~ sample_last_year ~ " must be after var province_rd_base_year = " ~ province_base_year ~ " (the growth rate needs at least two years).") }}
{%- endif -%}

with

rd_real as (
    select * from {{ ref('int_rd_expenditures_deflated') }}
),

log_growth as (
    select
        economy_kind,
        economy_code,
        currency_unit,
        base_year,
        year,
        rd_real,
        ln(rd_real)
        - ln(lag(rd_real) over (partition by economy_code order by year)) as log_growth
    from rd_real
    where year <= {{ sample_last_year }}
),

series_ends as (
    select
        economy_kind,
        economy_code,
        currency_unit,
        base_year,
        max(year) as growth_last_year,
        count(*) - 1 as n_growth_years,
        max(case when year = base_year then rd_real end) as rd_real_base,
        {{ ordered_aggregate('avg', 'log_growth', 'year') }} as mean_log_growth
    from log_growth
    group by economy_kind, economy_code, currency_unit, base_year
),

growth_computed as (
    select
        series_ends.economy_kind,
        series_ends.economy_code,
        series_ends.currency_unit,
        series_ends.base_year,
        series_ends.growth_last_year,
        series_ends.n_growth_years,
        series_ends.rd_real_base,
        rd_last.rd_real as rd_real_last,
        '{{ growth_method }}' as growth_method,
        {%- if growth_method == 'geometric' %}
        case
            when series_ends.n_growth_years > 0
                then
                    power(
                        rd_last.rd_real / series_ends.rd_real_base,
                        cast(1 as double) / series_ends.n_growth_years
                    ) - 1
        end as growth_rate,
        {%- else %}
        series_ends.mean_log_growth as growth_rate,
        {%- endif %}
        cast({{ delta }} as double) as depreciation_rate
    from series_ends
    inner join rd_real as rd_last
        on series_ends.economy_code = rd_last.economy_code
        and series_ends.growth_last_year = rd_last.year
),

problems as (
    select
        economy_kind || ' ' || economy_code
        || ', year ' || cast(base_year as string)
        || ': only one year of real R&D (rd_real) from the base year'
        || ' to var chen_last_year ({{ sample_last_year }}); the growth rate g needs at least two'
            as problem
    from growth_computed
    where n_growth_years < 1

    union all

    select
        economy_kind || ' ' || economy_code
        || ', year ' || cast(base_year as string)
        || ': growth rate g + depreciation = '
        || cast(growth_rate + depreciation_rate as string)
        || ' <= 0 (g = '
        || cast(growth_rate as string)
        || ', {{ growth_method }}, of rd_real '
        || cast(base_year as string) || '-' || cast(growth_last_year as string)
        || '), so the initial R&D stock RD_base / (g + delta) is undefined;'
        || ' check the R&D series or raise var rd_depreciation' as problem
    from growth_computed
    where growth_rate + depreciation_rate <= 0
),

initial_stock_computed as (
    select
        *,
        rd_real_base / (growth_rate + depreciation_rate) as initial_stock
    from growth_computed
),

validated as (
    {{ raise_on_problems('initial_stock_computed', 'problems', 'economy_code') }}
)

select * from validated
