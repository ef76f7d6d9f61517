{#
    The activity measure E of the Martin indices (fct_martin_resilience), one row per
    unit-year: unit_id, year, value, series.
    * var martin_series_path set: the user’s series (stg_inputs__martin_series) as given,
      series = 'martin_series'; a level that adds up across units to the nation.
    * var martin_series_path null (default): provincial real GDP (int_province_real_gdp_chained)
      rebased to the prices of the shock-start year s = var martin_shock_start, so that
      provinces can be summed into the national aggregate, series = 'province_real_gdp':
          E_it = real_gdp_it * GDP_is / real_gdp_is      (CNY 100 mn at year-s prices)
      A province without year s has no price base: its E is null in every year, and
      fct_martin_resilience names it.
#}
{%- set martin_series_path = typed_var('martin_series_path') -%}

with

{% if martin_series_path is not none %}

user_series as (
    select * from {{ ref('stg_inputs__martin_series') }}
),

selected as (
    select
        unit_id,
        year,
        value,
        'martin_series' as series
    from user_series
)

{% else %}

real_gdp as (
    select * from {{ ref('int_province_real_gdp_chained') }}
),

shock_start_levels as (
    select
        province_code,
        gdp_cny_100mn as gdp_shock_start_cny_100mn,
        real_gdp_cny_100mn as real_gdp_shock_start
    from real_gdp
    where year = {{ typed_var('martin_shock_start') }}
),

selected as (
    select
        real_gdp.province_code as unit_id,
        real_gdp.year,
        real_gdp.real_gdp_cny_100mn
        * shock_start_levels.gdp_shock_start_cny_100mn
        / shock_start_levels.real_gdp_shock_start as value,
        'province_real_gdp' as series
    from real_gdp
    left join shock_start_levels
        on real_gdp.province_code = shock_start_levels.province_code
)

{% endif %}

select * from selected
