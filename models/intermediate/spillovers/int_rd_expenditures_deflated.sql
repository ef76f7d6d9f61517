{#
    Partner R&D expenditure in constant base-year US dollars, one row per partner-year from
    the base year b = var('rd_base_year') to the last year T of the partner panel.

        CPI rebased:  P_jt = CPI_jt / CPI_jb                      (P_jb = 1)
        real R&D:     RD_jt = RD_nominal_jt / P_jt                (USD mn at year-b prices)

    The R&D series feeds a perpetual inventory, so it must be complete: every partner of the
    reference list has a row for every year b..T with positive nominal R&D and CPI. Anything
    else aborts the build with the partner, the year and the column (raise_on_problems):
    a missing base year, an interior gap, a series that stops before T, a missing or
    non-positive value, a partner that is not in the reference list (or vice versa).
#}
{%- set base_year = typed_var('rd_base_year') -%}

with

partner_macro as (
    select * from {{ ref('stg_inputs__partner_macro') }}
),

partner_countries as (
    select * from {{ ref('stg_reference__partner_countries') }}
),

macro_from_base_year as (
    select *
    from partner_macro
    where year >= {{ base_year }}
),

last_year as (
    select max(year) as last_year
    from macro_from_base_year
),

series_bounds as (
    select
        country_code,
        min(year) as first_year,
        max(year) as last_year,
        count(*) as n_rows,
        count(distinct year) as n_years
    from macro_from_base_year
    group by country_code
),

year_steps as (
    select
        country_code,
        year,
        year - lag(year) over (partition by country_code order by year) as step
    from macro_from_base_year
),

problems as (
    select
        'country ' || country_code || ', year ' || cast(year as varchar)
        || ': rd_expenditure_usd_mn = '
        || coalesce(cast(rd_expenditure_usd_mn as varchar), 'missing')
        || ', cpi = ' || coalesce(cast(cpi as varchar), 'missing')
        || ' in stg_inputs__partner_macro (both must be present and positive)' as problem
    from macro_from_base_year
    where not coalesce(rd_expenditure_usd_mn > 0 and cpi > 0, false)

    union all

    select
        'country ' || country_code || ', year ' || cast(year - step + 1 as varchar)
        || ': gap in the R&D series of stg_inputs__partner_macro (years '
        || cast(year - step + 1 as varchar)
        || '-'
        || cast(year - 1 as varchar)
        || ' missing)' as problem
    from year_steps
    where step > 1

    union all

    select
        'country ' || country_code || ', year ' || cast(year as varchar)
        || ': duplicated row in stg_inputs__partner_macro' as problem
    from year_steps
    where step = 0

    union all

    select
        'country ' || series_bounds.country_code || ', year {{ base_year }}'
        || ': the base year (var rd_base_year) is missing from stg_inputs__partner_macro;'
        || ' the series starts in '
        || cast(series_bounds.first_year as varchar) as problem
    from series_bounds
    where series_bounds.first_year > {{ base_year }}

    union all

    select
        'country '
        || series_bounds.country_code
        || ', year '
        || cast(series_bounds.last_year + 1 as varchar)
        || ': the R&D series in stg_inputs__partner_macro stops in '
        || cast(series_bounds.last_year as varchar)
        || ' while other partners run to ' || cast(last_year.last_year as varchar) as problem
    from series_bounds
    cross join last_year
    where series_bounds.last_year < last_year.last_year

    union all

    select
        'country ' || partner_countries.country_code || ', year {{ base_year }}'
        || ': partner listed in partner_countries has no row from the base year on'
        || ' in stg_inputs__partner_macro' as problem
    from partner_countries
    left join series_bounds
        on partner_countries.country_code = series_bounds.country_code
    where series_bounds.country_code is null

    union all

    select
        'country '
        || series_bounds.country_code
        || ', year '
        || cast(series_bounds.first_year as varchar)
        || ': stg_inputs__partner_macro has a partner'
        || ' that is not in the partner_countries reference seed' as problem
    from series_bounds
    left join partner_countries
        on series_bounds.country_code = partner_countries.country_code
    where partner_countries.country_code is null
),

base_year_cpi as (
    select
        country_code,
        cpi as cpi_base_year
    from macro_from_base_year
    where year = {{ base_year }}
),

deflated as (
    select
        macro_from_base_year.country_code,
        macro_from_base_year.year,
        macro_from_base_year.rd_expenditure_usd_mn as rd_nominal_usd_mn,
        macro_from_base_year.cpi,
        macro_from_base_year.cpi / base_year_cpi.cpi_base_year as cpi_rebased,
        macro_from_base_year.rd_expenditure_usd_mn
        / (macro_from_base_year.cpi / base_year_cpi.cpi_base_year) as rd_real_usd_mn
    from macro_from_base_year
    inner join base_year_cpi
        on macro_from_base_year.country_code = base_year_cpi.country_code
),

validated as (
    {{ raise_on_problems('deflated', 'problems', 'country_code') }}
)

select * from validated
