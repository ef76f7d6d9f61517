{#
    Martin (2012) resistance and recovery of each unit for one shock window, the
    alternative resilience outcome of Chen’s robustness test. One row per unit (and the
    window given by vars martin_shock_start = s, martin_shock_end = e, martin_recovery_end = r).

    E = the activity measure of int_martin_series_selected, a level that adds up across the
    units to the nation: by default provincial real GDP at year-s prices; with var
    martin_series_path the user’s series (real GSP, employment, ...) for any unit set.
        contraction change   c_i = E_ie / E_is - 1,   c_N = sum_i E_ie / sum_i E_is - 1
        resistance_i         = (c_i - c_N) / |c_N|
        recovery change      v_i = E_ir / E_ie - 1,   v_N = sum_i E_ir / sum_i E_ie - 1
        recovery_i           = (v_i - v_N) / |v_N|
    i.e. (dE_r / E_r - dE_N / E_N) / |dE_N / E_N| over each phase (the form of Martin, Sunley,
    Gardiner and Tyler 2016 for the sensitivity index of Martin 2012): 0 = as the nation,
    > 0 = more resistant (contracted less / grew more) or recovered faster. The nation is the
    sum of the units (no separate national series). Chinese GDP kept growing in 2008-09,
    so c_N > 0 there: the index then measures resistance to the slowdown, relative to the
    national rate. A national change of exactly 0, or a unit missing a window year, is
    an error naming unit and year. A unit that is a province (stg_reference__provinces)
    gets its province code, name and region; other units have them null.
#}
{%- set shock_start = typed_var('martin_shock_start') -%}
{%- set shock_end = typed_var('martin_shock_end') -%}
{%- set recovery_end = typed_var('martin_recovery_end') -%}

with

series as (
    select * from {{ ref('int_martin_series_selected') }}
),

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

window_years as (
    select years.window_year
    from
        (values ({{ shock_start }}), ({{ shock_end }}), ({{ recovery_end }}))
            as years (window_year)
),

units as (
    select distinct
        unit_id,
        series as series_name
    from series
),

window_levels as (
    select
        unit_id,
        max(case when year = {{ shock_start }} then value end) as level_shock_start,
        max(case when year = {{ shock_end }} then value end) as level_shock_end,
        max(case when year = {{ recovery_end }} then value end) as level_recovery_end
    from series
    group by unit_id
),

national_changes as (
    select
        {{ ordered_aggregate('sum', 'level_shock_end', 'unit_id') }}
        / {{ ordered_aggregate('sum', 'level_shock_start', 'unit_id') }}
        - 1 as contraction_change_national,
        {{ ordered_aggregate('sum', 'level_recovery_end', 'unit_id') }}
        / {{ ordered_aggregate('sum', 'level_shock_end', 'unit_id') }}
        - 1 as recovery_change_national
    from window_levels
),

problems as (
    select
        'unit '
        || units.unit_id
        || ', year '
        || cast(window_years.window_year as string)
        || ': E (' || units.series_name || ') is missing in int_martin_series_selected'
        || ' for a year of the Martin window {{ shock_start }}-{{ shock_end }}-{{ recovery_end }}'
        || ' (vars martin_shock_start, martin_shock_end, martin_recovery_end;'
        || ' provincial real GDP needs year {{ shock_start }} as its price base)' as problem
    from units
    cross join window_years
    left join series
        on units.unit_id = series.unit_id and window_years.window_year = series.year
    where series.value is null

    union all

    select
        'unit (all), years {{ shock_start }}-{{ shock_end }}-{{ recovery_end }}:'
        || ' the national change of E is exactly 0'
        || ' in a phase, so the Martin indices (divided by |dE_N / E_N|) are undefined' as problem
    from national_changes
    where contraction_change_national = 0 or recovery_change_national = 0
),

indices_computed as (
    select
        units.unit_id,
        provinces.province_code,
        provinces.province_name_en,
        provinces.region,
        units.series_name as series,
        {{ shock_start }} as shock_start_year,
        {{ shock_end }} as shock_end_year,
        {{ recovery_end }} as recovery_end_year,
        window_levels.level_shock_start,
        window_levels.level_shock_end,
        window_levels.level_recovery_end,
        window_levels.level_shock_end / window_levels.level_shock_start - 1 as contraction_change,
        national_changes.contraction_change_national,
        (
            window_levels.level_shock_end / window_levels.level_shock_start
            - 1
            - national_changes.contraction_change_national
        ) / abs(national_changes.contraction_change_national) as resistance,
        window_levels.level_recovery_end / window_levels.level_shock_end - 1 as recovery_change,
        national_changes.recovery_change_national,
        (
            window_levels.level_recovery_end / window_levels.level_shock_end
            - 1
            - national_changes.recovery_change_national
        ) / abs(national_changes.recovery_change_national) as recovery
    from units
    inner join window_levels
        on units.unit_id = window_levels.unit_id
    left join provinces
        on units.unit_id = provinces.province_code
    cross join national_changes
),

validated as (
    {{ raise_on_problems('indices_computed', 'problems', 'unit_id') }}
)

select * from validated
