{#
    Wang & Lu robustness outcome (section 3.3, after Xu & Liu 2023): "ExpRes = Trend/Cycle ...
    the logarithm of 100 times ExpRes", from the HP split of ln(exports):

        hp_ratio   = hp_trend / hp_cycle
        exp_res_hp = ln(100 * hp_ratio)          only when hp_ratio > 0

    The rule for the log (explicit, no shift, no absolute value):
    * hp_cycle = 0                -> ratio undefined: exp_res_hp null, reason 'cycle_zero';
    * hp_ratio <= 0               -> ln undefined:    exp_res_hp null, reason 'ratio_non_positive'
                                     (trend and cycle of opposite sign; with ln(exports in USD mn)
                                     > 0 this is every year with exports below their trend);
    * hp_ratio > 0                -> exp_res_hp = ln(100 * hp_ratio), reason null.
    ln|ratio| or a shift would give a year below trend a value indistinguishable from one above
    it, so such rows are kept with a null outcome and counted in fct_export_hp_diagnostics,
    never dropped.

    var('hp_log_rule') = 'absolute' is the replication switch: exp_res_hp = ln(100 |hp_ratio|)
    for every non-zero ratio, which is one way to reach the paper's N = 450 for this column
    (the paper does not say how it treated negative cycles). The sign is not lost:
    is_below_trend (hp_cycle < 0) marks those rows, and the diagnostics count them.
#}

{%- set hp_log_rule = typed_var('hp_log_rule') %}
{#- the Python model upstream reads hp_lambda through its config, where no macro runs: checked here -#}
{%- do typed_var('hp_lambda') %}

with

hp_filtered as (
    select * from {{ ref('int_exports_hp_filtered') }}
),

ratioed as (
    select
        *,
        case when hp_cycle <> 0 then hp_trend / hp_cycle end as hp_ratio
    from hp_filtered
),

logged as (
    select
        province_code,
        year,
        exports_usd_mn,
        ln_exports,
        hp_trend,
        hp_cycle,
        hp_ratio,
        hp_cycle < 0 as is_below_trend,
        {%- if hp_log_rule == 'absolute' %}
        case when hp_ratio <> 0 then ln(100 * abs(hp_ratio)) end as exp_res_hp,
        {%- else %}
        case when hp_ratio > 0 then ln(100 * hp_ratio) end as exp_res_hp,
        {%- endif %}
        '{{ hp_log_rule }}' as hp_log_rule,
        hp_lambda,
        series_first_year,
        series_last_year
    from ratioed
),

reasoned as (
    select
        *,
        case
            when hp_cycle = 0 then 'cycle_zero'
            when exp_res_hp is null then 'ratio_non_positive'
        end as exp_res_hp_null_reason
    from logged
)

select * from reasoned
