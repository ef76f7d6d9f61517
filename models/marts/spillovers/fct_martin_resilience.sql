{#
    Martin (2012) resistance and recovery of each province for one shock window, the
    alternative resilience outcome of Chen's robustness test. One row per province (and the
    window given by vars martin_shock_start = s, martin_shock_end = e, martin_recovery_end = r).

    E = real GDP (int_province_real_gdp_chained), rebased to year-s prices so that provinces
    can be summed into the national aggregate: E_it^(s) = real_gdp_it * GDP_is / real_gdp_is.
        contraction change   c_i = E_ie / E_is - 1,   c_N = sum_i E_ie^(s) / sum_i E_is^(s) - 1
        resistance_i         = (c_i - c_N) / |c_N|
        recovery change      v_i = E_ir / E_ie - 1,   v_N = sum_i E_ir^(s) / sum_i E_ie^(s) - 1
        recovery_i           = (v_i - v_N) / |v_N|
    i.e. (dE_r / E_r - dE_N / E_N) / |dE_N / E_N| over each phase (the form of Martin, Sunley,
    Gardiner and Tyler 2016 for the sensitivity index of Martin 2012): 0 = as the nation,
    > 0 = more resistant (contracted less / grew more) or recovered faster. The nation is the
    sum of the provinces (no separate national series). Chinese GDP kept growing in 2008-09,
    so c_N > 0 there: the index then measures resistance to the slowdown, relative to the
    national rate. A national change of exactly 0, or a province missing a window year, is
    an error naming province and year.
#}
{%- set shock_start = typed_var('martin_shock_start') -%}
{%- set shock_end = typed_var('martin_shock_end') -%}
{%- set recovery_end = typed_var('martin_recovery_end') -%}

with

real_gdp as (
    select * from {{ ref('int_province_real_gdp_chained') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

window_levels as (
    select
        provinces.province_code,
        provinces.province_name_en,
        provinces.region,
        max(case when real_gdp.year = {{ shock_start }} then real_gdp.gdp_cny_100mn end)
            as gdp_shock_start_cny_100mn,
        max(case when real_gdp.year = {{ shock_start }} then real_gdp.real_gdp_cny_100mn end)
            as real_gdp_start,
        max(case when real_gdp.year = {{ shock_end }} then real_gdp.real_gdp_cny_100mn end)
            as real_gdp_end,
        max(case when real_gdp.year = {{ recovery_end }} then real_gdp.real_gdp_cny_100mn end)
            as real_gdp_recovery
    from provinces
    left join real_gdp
        on provinces.province_code = real_gdp.province_code
    group by provinces.province_code, provinces.province_name_en, provinces.region
),

levels_rebased as (
    select
        province_code,
        province_name_en,
        region,
        gdp_shock_start_cny_100mn as real_gdp_shock_start_cny_100mn,
        real_gdp_end * gdp_shock_start_cny_100mn / real_gdp_start as real_gdp_shock_end_cny_100mn,
        real_gdp_recovery
        * gdp_shock_start_cny_100mn
        / real_gdp_start as real_gdp_recovery_end_cny_100mn
    from window_levels
),

national_changes as (
    select
        sum(real_gdp_shock_end_cny_100mn) / sum(real_gdp_shock_start_cny_100mn)
        - 1 as contraction_change_national,
        sum(real_gdp_recovery_end_cny_100mn) / sum(real_gdp_shock_end_cny_100mn)
        - 1 as recovery_change_national
    from levels_rebased
),

problems as (
    select
        'province '
        || province_code
        || ', years {{ shock_start }}/{{ shock_end }}/{{ recovery_end }}'
        || ': real GDP is missing in int_province_real_gdp_chained for a year of the Martin window'
        || ' (vars martin_shock_start, martin_shock_end, martin_recovery_end)' as problem
    from levels_rebased
    where real_gdp_shock_start_cny_100mn is null
        or real_gdp_shock_end_cny_100mn is null
        or real_gdp_recovery_end_cny_100mn is null

    union all

    select
        'province (all), years {{ shock_start }}-{{ shock_end }}-{{ recovery_end }}:'
        || ' national real GDP change is exactly 0'
        || ' in a phase, so the Martin indices (divided by |dE_N / E_N|) are undefined' as problem
    from national_changes
    where contraction_change_national = 0 or recovery_change_national = 0
),

indices_computed as (
    select
        levels_rebased.province_code,
        levels_rebased.province_name_en,
        levels_rebased.region,
        {{ shock_start }} as shock_start_year,
        {{ shock_end }} as shock_end_year,
        {{ recovery_end }} as recovery_end_year,
        levels_rebased.real_gdp_shock_start_cny_100mn,
        levels_rebased.real_gdp_shock_end_cny_100mn,
        levels_rebased.real_gdp_recovery_end_cny_100mn,
        levels_rebased.real_gdp_shock_end_cny_100mn / levels_rebased.real_gdp_shock_start_cny_100mn
        - 1
            as contraction_change,
        national_changes.contraction_change_national,
        (
            levels_rebased.real_gdp_shock_end_cny_100mn
            / levels_rebased.real_gdp_shock_start_cny_100mn
            - 1
            - national_changes.contraction_change_national
        ) / abs(national_changes.contraction_change_national) as resistance,
        levels_rebased.real_gdp_recovery_end_cny_100mn / levels_rebased.real_gdp_shock_end_cny_100mn
        - 1
            as recovery_change,
        national_changes.recovery_change_national,
        (
            levels_rebased.real_gdp_recovery_end_cny_100mn
            / levels_rebased.real_gdp_shock_end_cny_100mn
            - 1
            - national_changes.recovery_change_national
        ) / abs(national_changes.recovery_change_national) as recovery
    from levels_rebased
    cross join national_changes
),

validated as (
    {{ raise_on_problems('indices_computed', 'problems', 'province_code') }}
)

select * from validated
