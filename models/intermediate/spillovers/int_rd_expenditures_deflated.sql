{#
    R&D expenditure of every economy in constant prices of its base year, one row per
    economy-year from the base year b to the last year T of its kind’s panel. Two kinds of
    economy go through the same formulas (one implementation for both):
      * country: the partner economies, stg_inputs__partner_macro, nominal GERD in USD mn
        deflated by the partner’s own CPI, b = var('rd_base_year');
      * province: stg_inputs__province_rd (no rows when var province_rd_path is null),
        nominal R&D in 10,000 yuan deflated by the file’s price index,
        b = var('province_rd_base_year').
    The columns are currency-neutral; `currency_unit` (usd_mn | cny_10k) says what a number
    is, so yuan never sit in a column named for dollars.

        price index rebased:  P_jt = price_index_jt / price_index_jb      (P_jb = 1)
        real R&D:             RD_jt = RD_nominal_jt / P_jt                (base-year prices)

    The R&D series feeds a perpetual inventory, so it must be complete: every economy of the
    reference list (partner_countries; provinces, when var province_rd_path is set) has a
    row for every year b..T of its kind with positive nominal R&D and price index. Anything
    else aborts the build with the country or province, the year and the column
    (raise_on_problems): a missing base year, an interior gap, a series that stops before
    T, a missing or non-positive value, an economy that is not in the reference list (or
    vice versa).
#}
{%- set base_year = typed_var('rd_base_year') -%}
{%- set province_base_year = typed_var('province_rd_base_year') -%}
{%- set has_province_rd = typed_var('province_rd_path') is not none -%}

with

partner_macro as (
    select * from {{ ref('stg_inputs__partner_macro') }}
),

province_rd as (
    select * from {{ ref('stg_inputs__province_rd') }}
),

partner_countries as (
    select * from {{ ref('stg_reference__partner_countries') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

economy_kinds as (
    -- one row per kind: its base year, currency and what its error messages name
    -- noqa: disable=AL03,LT05,LT09,LT02
    select 'country' as economy_kind, 'usd_mn' as currency_unit, {{ base_year }} as base_year,
        'rd_base_year' as base_year_var, 'stg_inputs__partner_macro' as source_model,
        'rd_expenditure_usd_mn' as nominal_column, 'cpi' as price_column,
        'partner' as member, 'partners' as members, 'partner_countries' as reference_list,
        true as is_required
    union all
    select 'province', 'cny_10k', {{ province_base_year }},
        'province_rd_base_year', 'stg_inputs__province_rd',
        'rd_expenditure_cny_10k', 'price_index',
        'province', 'provinces', 'provinces', {{ 'true' if has_province_rd else 'false' }}
),
-- noqa: enable=AL03,LT05,LT09,LT02

economies_stacked as (
    select
        'country' as economy_kind,
        country_code as economy_code,
        year,
        rd_expenditure_usd_mn as rd_nominal,
        cpi as price_index
    from partner_macro

    union all

    select
        'province' as economy_kind,
        province_code as economy_code,
        year,
        rd_expenditure_cny_10k as rd_nominal,
        price_index
    from province_rd
),

economies_listed as (
    select
        'country' as economy_kind,
        country_code as economy_code
    from partner_countries

    union all

    select
        'province' as economy_kind,
        province_code as economy_code
    from provinces
),

series_from_base_year as (
    select
        economies_stacked.*,
        economy_kinds.currency_unit,
        economy_kinds.base_year
    from economies_stacked
    inner join economy_kinds
        on economies_stacked.economy_kind = economy_kinds.economy_kind
    where economies_stacked.year >= economy_kinds.base_year
),

series_bounds as (
    select
        economy_kind,
        economy_code,
        min(year) as first_year,
        max(year) as last_year,
        max(max(year)) over (partition by economy_kind) as kind_last_year
    from series_from_base_year
    group by economy_kind, economy_code
),

year_steps as (
    select
        economy_kind,
        economy_code,
        year,
        year - lag(year) over (partition by economy_code order by year) as step
    from series_from_base_year
),

problems as (
    select
        series.economy_kind || ' ' || series.economy_code
        || ', year ' || cast(series.year as string)
        || ': ' || kinds.nominal_column || ' = '
        || coalesce(cast(series.rd_nominal as string), 'missing')
        || ', ' || kinds.price_column || ' = '
        || coalesce(cast(series.price_index as string), 'missing')
        || ' in ' || kinds.source_model || ' (both must be present and positive)' as problem
    from series_from_base_year as series
    inner join economy_kinds as kinds
        on series.economy_kind = kinds.economy_kind
    where not coalesce(series.rd_nominal > 0 and series.price_index > 0, false)

    union all

    select
        steps.economy_kind || ' ' || steps.economy_code
        || ', year ' || cast(steps.year - steps.step + 1 as string)
        || ': gap in the R&D series of ' || kinds.source_model || ' (years '
        || cast(steps.year - steps.step + 1 as string)
        || '-'
        || cast(steps.year - 1 as string)
        || ' missing)' as problem
    from year_steps as steps
    inner join economy_kinds as kinds
        on steps.economy_kind = kinds.economy_kind
    where steps.step > 1

    union all

    select
        steps.economy_kind || ' ' || steps.economy_code
        || ', year ' || cast(steps.year as string)
        || ': duplicated row in ' || kinds.source_model as problem
    from year_steps as steps
    inner join economy_kinds as kinds
        on steps.economy_kind = kinds.economy_kind
    where steps.step = 0

    union all

    select
        bounds.economy_kind || ' ' || bounds.economy_code
        || ', year ' || cast(kinds.base_year as string)
        || ': the base year (var ' || kinds.base_year_var || ') is missing from '
        || kinds.source_model || '; the series starts in '
        || cast(bounds.first_year as string) as problem
    from series_bounds as bounds
    inner join economy_kinds as kinds
        on bounds.economy_kind = kinds.economy_kind
    where bounds.first_year > kinds.base_year

    union all

    select
        bounds.economy_kind || ' ' || bounds.economy_code
        || ', year ' || cast(bounds.last_year + 1 as string)
        || ': the R&D series in ' || kinds.source_model || ' stops in '
        || cast(bounds.last_year as string)
        || ' while other ' || kinds.members || ' run to '
        || cast(bounds.kind_last_year as string) as problem
    from series_bounds as bounds
    inner join economy_kinds as kinds
        on bounds.economy_kind = kinds.economy_kind
    where bounds.last_year < bounds.kind_last_year

    union all

    select
        listed.economy_kind || ' ' || listed.economy_code
        || ', year ' || cast(kinds.base_year as string)
        || ': ' || kinds.member || ' listed in ' || kinds.reference_list
        || ' has no row from the base year on in ' || kinds.source_model as problem
    from economies_listed as listed
    inner join economy_kinds as kinds
        on listed.economy_kind = kinds.economy_kind
    left join series_bounds as bounds
        on listed.economy_kind = bounds.economy_kind
        and listed.economy_code = bounds.economy_code
    where kinds.is_required and bounds.economy_code is null

    union all

    select
        bounds.economy_kind || ' ' || bounds.economy_code
        || ', year ' || cast(bounds.first_year as string)
        || ': ' || kinds.source_model || ' has a ' || kinds.member
        || ' that is not in the ' || kinds.reference_list || ' reference seed' as problem
    from series_bounds as bounds
    inner join economy_kinds as kinds
        on bounds.economy_kind = kinds.economy_kind
    left join economies_listed as listed
        on bounds.economy_kind = listed.economy_kind
        and bounds.economy_code = listed.economy_code
    where listed.economy_code is null
),

base_year_prices as (
    select
        economy_code,
        price_index as price_index_base_year
    from series_from_base_year
    where year = base_year
),

deflated as (
    select
        series_from_base_year.economy_kind,
        series_from_base_year.economy_code,
        series_from_base_year.year,
        series_from_base_year.currency_unit,
        series_from_base_year.base_year,
        series_from_base_year.rd_nominal,
        series_from_base_year.price_index,
        series_from_base_year.price_index / base_year_prices.price_index_base_year
            as price_index_rebased,
        series_from_base_year.rd_nominal
        / (series_from_base_year.price_index / base_year_prices.price_index_base_year) as rd_real
    from series_from_base_year
    inner join base_year_prices
        on series_from_base_year.economy_code = base_year_prices.economy_code
),

validated as (
    {{ raise_on_problems('deflated', 'problems', 'economy_code') }}
)

select * from validated
