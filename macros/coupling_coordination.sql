{# purpose: coupling degree C, development index T and coupling coordination degree D of m >= 2 subsystems, with the grade band. #}
{#
    For each group (`group_by`, e.g. index_name, unit_id, year) over its m subsystem
    scores U_i >= 0 (`system_column` names the subsystem: a dimension or an index), with
    contribution weights alpha_i (`alpha_column`; none = equal, alpha_i = 1/m):
        C = m * [ prod_i U_i / (sum_i U_i)^m ]^(1/m)  =  m * (prod_i U_i)^(1/m) / sum_i U_i
        T = sum_i alpha_i U_i
        D = sqrt(C * T)
    C is m times the geometric over the arithmetic mean of the U_i, so 0 <= C <= 1, C = 1
    when all U_i are equal; computed in logs, (prod U)^(1/m) = exp(mean ln U). A zero U_i
    makes the product 0: C = 0 and D = 0 (has_zero), every U zero included (0/0 taken as
    its value along U_1 -> 0). A negative U (a z-score sub-index: no real root) gives a
    null C and D.
    Grade (Liao Chongbin 1999, the ten 0.1-wide bands of the Chinese regional literature),
    on D in [0, 1], each band closed below and open above (1.0 in the last):
        1 [0.0, 0.1) extreme disorder          6 [0.5, 0.6) barely coordinated
        2 [0.1, 0.2) serious disorder          7 [0.6, 0.7) primary coordination
        3 [0.2, 0.3) moderate disorder         8 [0.7, 0.8) intermediate coordination
        4 [0.3, 0.4) mild disorder             9 [0.8, 0.9) good coordination
        5 [0.4, 0.5) on the verge of disorder 10 [0.9, 1.0] quality coordination
    Returns group_by columns, n_systems, alpha_sum, has_zero, coupling (C), development (T),
    coordination (D), grade_level (1-10), grade.
#}
{% macro coupling_coordination(relation, group_by, system_column, value_column='score', alpha_column=none) -%}
    {%- set group_csv = group_by | join(', ') -%}
    {%- set alpha = alpha_column if alpha_column is not none else 'cast(1 as double) / count(*) over (partition by ' ~ group_csv ~ ')' -%}
    select
        graded.*,
        case graded.grade_level
            when 1 then 'extreme disorder'
            when 2 then 'serious disorder'
            when 3 then 'moderate disorder'
            when 4 then 'mild disorder'
            when 5 then 'on the verge of disorder'
            when 6 then 'barely coordinated'
            when 7 then 'primary coordination'
            when 8 then 'intermediate coordination'
            when 9 then 'good coordination'
            when 10 then 'quality coordination'
        end as grade
    from (
        select
            degrees.*,
            case
                when degrees.coordination is not null
                    then least(cast(floor(degrees.coordination * 10) as integer) + 1, 10)
            end as grade_level
        from (
            select
                couplings.*,
                sqrt(couplings.coupling * couplings.development) as coordination
            from (
                select
                    {{ group_csv }},
                    count(*) as n_systems,
                    {{ ordered_aggregate('sum', 'alpha', system_column) }} as alpha_sum,
                    coalesce(bool_or(system_value = 0), false) as has_zero,
                    case
                        when bool_or(system_value < 0) then null
                        when bool_or(system_value = 0) then 0.0
                        when {{ ordered_aggregate('sum', 'system_value', system_column) }} > 0
                            then count(*) * exp({{ ordered_aggregate('avg', 'ln(case when system_value > 0 then system_value end)', system_column) }})
                                / {{ ordered_aggregate('sum', 'system_value', system_column) }}
                    end as coupling,
                    {{ ordered_aggregate('sum', 'alpha * system_value', system_column) }} as development
                from (
                    select
                        {{ group_csv }},
                        {{ system_column }},
                        {{ value_column }} as system_value,
                        {{ alpha }} as alpha
                    from {{ relation }}
                ) as systems
                group by {{ group_csv }}
            ) as couplings
        ) as degrees
    ) as graded
{%- endmacro %}
