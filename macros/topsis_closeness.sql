{# purpose: TOPSIS relative closeness (Hwang & Yoon 1981) of each row to the ideal of its scope. #}
{#
    On the weighted normalised matrix v_ik = w_k z_ik (z oriented so higher is better for
    every indicator), per indicator k over the scope (`scope_by` plus the indicator, e.g.
    index_name, scope_year and indicator: every unit-year of the pooled sample, or of one
    year):
        v+_k = max_i v_ik   (ideal),   v-_k = min_i v_ik   (anti-ideal)
    and per alternative i (`group_by`, e.g. index_name, unit_id, year, dimension):
        D+_i = sqrt( sum_k (v_ik - v+_k)^2 ),   D-_i = sqrt( sum_k (v_ik - v-_k)^2 )
        closeness_i = D-_i / (D+_i + D-_i)                   in [0, 1]
    skcriteria's TOPSIS computes the same on the matrix it is given (its vector
    normalisation is a separate pipeline step, not applied here). D+ + D- = 0 only when
    every weighted value equals both its ideal and anti-ideal (no spread at all): closeness
    null. `group_by` must contain `scope_by` (an alternative belongs to one scope).
    Returns group_by columns, n_indicators, distance_ideal, distance_anti_ideal, score.
#}
{% macro topsis_closeness(relation, scope_by, group_by, indicator_column='indicator', weight_column='weight', value_column='z') -%}
    {%- set ideal_by = scope_by + [indicator_column] -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        distances.*,
        case
            when distances.distance_ideal + distances.distance_anti_ideal > 0
                then distances.distance_anti_ideal / (distances.distance_ideal + distances.distance_anti_ideal)
        end as score
    from (
        select
            {%- for column in group_by %}
            weighted.{{ column }},
            {%- endfor %}
            count(*) as n_indicators,
            sqrt({{ exact_sum('(weighted.weighted_value - ideals.ideal_value) * (weighted.weighted_value - ideals.ideal_value)') }}) as distance_ideal,
            sqrt({{ exact_sum('(weighted.weighted_value - ideals.anti_ideal_value) * (weighted.weighted_value - ideals.anti_ideal_value)') }})
                as distance_anti_ideal
        from (
            select
                src.*,
                src.{{ weight_column }} * src.{{ value_column }} as weighted_value
            from {{ relation }} as src
        ) as weighted
        inner join (
            -- the ideal and anti-ideal per scope and indicator: a grouped aggregate joined
            -- back (a window over the rows would hold them all in memory at once)
            select
                {{ ideal_by | join(', ') }},
                max({{ weight_column }} * {{ value_column }}) as ideal_value,
                min({{ weight_column }} * {{ value_column }}) as anti_ideal_value
            from {{ relation }}
            group by {{ ideal_by | join(', ') }}
        ) as ideals
            on
            {%- for column in ideal_by %}
            weighted.{{ column }} is not distinct from ideals.{{ column }}
            {%- if not loop.last %}
            and
            {%- endif %}
            {%- endfor %}
        group by {% for column in group_by %}weighted.{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
    ) as distances
{%- endmacro %}
