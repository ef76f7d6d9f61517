{# purpose: entropy, divergence and weight per indicator from shifted normalised values, one grouped aggregate. #}
{#
    For indicator k in scope group g (`group_by`, e.g. index_name and scope_year), over its
    n observations with shifted normalised values z' (z' >= 0, S > 0):
        S = sum z',  A = sum z' ln z'   (0 ln 0 = 0, macro x_ln_x)
        p_i = z'_i / S  =>  sum p ln p = sum (z'/S)(ln z' - ln S) = A/S - ln S
        e_k = -(1 / ln n) * (A/S - ln S)        entropy in [0, 1]
        d_k = 1 - e_k                             divergence
        w_k = d_k / sum_{k in g} d_k              weight, sums to 1 within g
    n = number of observations of k in the scope (N*T pooled, N per year); n < 2 makes
    ln n = 0 and gives null entropy, which the callers' data tests reject.
    Returns group_by columns, indicator, n_obs, sum_z, sum_z_ln_z, entropy, divergence, weight.
#}
{% macro entropy_weights(relation, group_by, indicator_column='indicator', value_column='z_shifted') -%}
    {%- set group_csv = group_by | join(', ') -%}
    select
        divergences.*,
        divergences.divergence
            / {{ ordered_aggregate('sum', 'divergences.divergence', 'divergences.' ~ indicator_column) }}
            over (partition by {{ group_csv }}) as weight
    from (
        select
            entropies.*,
            1.0 - entropies.entropy as divergence
        from (
            select
                sums.*,
                case
                    when sums.n_obs > 1
                        then -(sums.sum_z_ln_z / sums.sum_z - ln(sums.sum_z)) / ln(sums.n_obs)
                end as entropy
            from (
                select
                    {{ group_csv }},
                    {{ indicator_column }},
                    count({{ value_column }}) as n_obs,
                    {{ exact_sum(value_column) }} as sum_z,
                    {{ exact_sum(x_ln_x(value_column)) }} as sum_z_ln_z
                from {{ relation }}
                group by {{ group_csv }}, {{ indicator_column }}
            ) as sums
        ) as entropies
    ) as divergences
{%- endmacro %}
