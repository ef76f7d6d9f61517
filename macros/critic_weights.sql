{# purpose: CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995) from the normalised matrix.     Every float aggregate is fed its rows in one order (ordered_aggregate: observations by
    `observation_by`, conflicts by indicator), so the bits do not depend on the thread count.
#}
{#
    For indicators j, k in group g (`group_by`), over the observations (rows identified by
    `observation_by`, e.g. unit_id and year) of the min-max normalised values v:
        sigma_j = sqrt((1/n) sum (v_j - mean_j)^2)          population sd (stddev_pop, as
                                                            skcriteria's CRITIC: np.std; with
                                                            the same n for every j the choice
                                                            cancels in w_j)
        r_jk    = Pearson correlation of v_j and v_k over the observations both have
        C_j     = sigma_j * sum_k (1 - r_jk)                (k over all K indicators; r_jj = 1)
        w_j     = C_j / sum_{j in g} C_j
    The correlations come from one self-join of the long table on group and observation
    (K^2 pairs per group, corr() aggregate). A zero sd makes r null and so C_j null, for
    the caller's tests to reject.
    Returns group_by columns, indicator, n_obs, sd_value, conflict (sum_k (1 - r_jk)),
    information (C_j), weight.
#}
{% macro critic_weights(relation, group_by, observation_by, indicator_column='indicator', value_column='z') -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        informations.*,
        informations.information
            / {{ ordered_aggregate('sum', 'informations.information', 'informations.' ~ indicator_column) }} over (partition by {{ group_csv }}) as weight
    from (
        select
            spreads.*,
            conflicts.conflict,
            spreads.sd_value * conflicts.conflict as information
        from (
            select
                {{ group_csv }},
                {{ indicator_column }},
                count({{ value_column }}) as n_obs,
                {{ ordered_aggregate('stddev_pop', value_column, observation_by | join(', ')) }} as sd_value
            from {{ relation }}
            group by {{ group_csv }}, {{ indicator_column }}
        ) as spreads
        inner join (
            select
                {{ group_csv }},
                left_indicator as {{ indicator_column }},
                {{ ordered_aggregate('sum', '1.0 - correlation', 'right_indicator') }} as conflict
            from (
                select
                    {%- for column in group_by %}
                    left_side.{{ column }},
                    {%- endfor %}
                    left_side.{{ indicator_column }} as left_indicator,
                    right_side.{{ indicator_column }} as right_indicator,
                    {{ ordered_aggregate('corr', 'left_side.' ~ value_column ~ ', right_side.' ~ value_column, 'left_side.' ~ (observation_by | join(', left_side.'))) }} as correlation
                from {{ relation }} as left_side
                inner join {{ relation }} as right_side
                    on
                    {%- for column in group_by + observation_by %}
                    left_side.{{ column }} is not distinct from right_side.{{ column }}
                    and
                    {%- endfor %}
                    true
                group by {% for column in group_by %}left_side.{{ column }}, {% endfor %}left_side.{{ indicator_column }}, right_side.{{ indicator_column }}
            ) as pairs
            group by {{ group_csv }}, left_indicator
        ) as conflicts
            on
            {%- for column in group_by %}
            spreads.{{ column }} is not distinct from conflicts.{{ column }}
            and
            {%- endfor %}
            spreads.{{ indicator_column }} = conflicts.{{ indicator_column }}
    ) as informations
{%- endmacro %}
