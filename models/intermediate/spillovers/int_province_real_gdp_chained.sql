{#
    Provincial real GDP as a chained volume series and real growth, one row per
    province-year over all years of the provincial accounts.
        gdp_growth_pct_it  = gdp_index_prev_year_it - 100                 (NBS index, t-1 = 100)
        real_gdp_it        = GDP_i,t0 * prod_{s = t0+1..t} index_is / 100
                           = GDP_i,t0 * exp( sum_{s = t0+1..t} ln(index_is / 100) )
    with t0 the province’s first year: CNY 100 mn at t0 prices (a running sum of logs in one
    window; the product of ratios itself has no portable aggregate). Ratios of real GDP
    between two years do not depend on t0; int_martin_series_selected rebases levels to
    the shock-start year so that fct_martin_resilience can add provinces up.
    Raises, naming province, year and column: a missing or non-positive GDP or GDP index
    (its logarithm is undefined), a gap in a province’s years (the chain would skip it). A
    duplicated province-year is the unique_combination_of_columns test of
    stg_inputs__province_accounts, which dbt build runs before this model.
#}
with

province_accounts as (
    select * from {{ ref('stg_inputs__province_accounts') }}
),

years_stepped as (
    select
        province_code,
        year,
        gdp_cny_100mn,
        gdp_index_prev_year,
        year - lag(year) over (partition by province_code order by year) as step,
        first_value(gdp_cny_100mn)
            over (partition by province_code order by year)
            as gdp_first_year_cny_100mn,
        min(year) over (partition by province_code) as first_year
    from province_accounts
),

problems as (
    select
        'province ' || province_code || ', year ' || cast(year as string)
        || ': gdp_cny_100mn = ' || coalesce(cast(gdp_cny_100mn as string), 'missing')
        || ', gdp_index_prev_year = ' || coalesce(cast(gdp_index_prev_year as string), 'missing')
        || ' in stg_inputs__province_accounts (both must be present and positive)' as problem
    from years_stepped
    where not coalesce(gdp_cny_100mn > 0 and gdp_index_prev_year > 0, false)

    union all

    select
        'province ' || province_code || ', year ' || cast(year - step + 1 as string)
        || ': gap in the years of stg_inputs__province_accounts'
        || ' (real GDP cannot be chained across it)' as problem
    from years_stepped
    where step > 1

),

real_gdp_chained as (
    select
        province_code,
        year,
        gdp_cny_100mn,
        gdp_index_prev_year,
        gdp_index_prev_year - 100 as gdp_growth_pct,
        first_year as price_base_year,
        gdp_first_year_cny_100mn * exp(
            sum(case when year > first_year then ln(gdp_index_prev_year / 100) else 0 end) over (
                partition by province_code
                order by year rows between unbounded preceding and current row
            )
        ) as real_gdp_cny_100mn
    from years_stepped
    where gdp_cny_100mn > 0 and gdp_index_prev_year > 0
),

validated as (
    {{ raise_on_problems('real_gdp_chained', 'problems', 'province_code') }}
)

select * from validated
