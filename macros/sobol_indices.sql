{# purpose: first-order (Saltelli 2010) and total (Jansen 1999) Sobol indices from the model outputs of a Saltelli design, pooled over several outputs. #}
{#
    `relation` holds one row per model run: the `group_by` columns (one analysis each, e.g.
    index_name), the `output_by` columns (one model output each, e.g. unit_id and year),
    matrix ('A', 'B', 'AB'; other rows are ignored), factor_swapped (the factor i of an
    'AB' row), base_row (the row j of A and B) and the output value y.
    For output o with N base rows (Saltelli et al. 2010, Table 2, estimators (b) and (f)):
        V_o     = var_pop(y over A and B)                       (2N values), mean m_o
        U_io    = (1/N) sum_j (yB_j - m_o) (yAB_i,j - yA_j)     first-order numerator
        T_io    = (1/(2N)) sum_j (yA_j - yAB_i,j)^2             total numerator (Jansen)
    y centred by m_o, as SciPy's sobol_indices and SALib do (the uncentred estimator is
    not invariant to a shift of y: ranks around 15 would add 15 (mean yAB_i - mean yA), pure
    noise, to U_io); T_io and V_o do not change. Pooled over the outputs of a group (Gamboa, Janon, Klein & Lagnoux 2014, sensitivity
    indices of a multivariate output: each output weighted by its variance):
        S_i  = sum_o U_io / sum_o V_o,    S_Ti = sum_o T_io / sum_o V_o
    With a single output this is the usual pair; an output with V_o = 0 (e.g. a unit that
    ranks first in every variant) adds 0 to numerators and denominator. sum_o V_o = 0
    gives null indices. Returns group_by, factor, first_order_index, total_index,
    n_base_rows (N), n_outputs, n_outputs_varying (V_o > 0), output_variance_sum.
#}
{% macro sobol_indices(relation, group_by, output_by, value_column='y') -%}
    {%- set output_cols = group_by + output_by -%}
    {%- set output_csv = output_cols | join(', ') -%}
    {%- set group_csv = group_by | join(', ') -%}
    {#- every float sum in a fixed row order (ordered_aggregate): the same bits at any thread count -#}
    {%- set output_key = 'numerators.' ~ (output_by | join(', numerators.')) -%}
    select
        {% for col in group_by %}numerators.{{ col }}, {% endfor %}
        numerators.factor_swapped as factor,
        {{ ordered_aggregate('sum', 'numerators.first_order_numerator', output_key) }}
            / nullif({{ ordered_aggregate('sum', 'variances.output_variance', output_key) }}, 0) as first_order_index,
        {{ ordered_aggregate('sum', 'numerators.total_numerator', output_key) }}
            / nullif({{ ordered_aggregate('sum', 'variances.output_variance', output_key) }}, 0) as total_index,
        max(numerators.n_base_rows) as n_base_rows,
        count(*) as n_outputs,
        cast(sum(case when variances.output_variance > 0 then 1 else 0 end) as bigint) as n_outputs_varying,
        {{ ordered_aggregate('sum', 'variances.output_variance', output_key) }} as output_variance_sum
    from (
        select
            {% for col in output_cols %}runs.{{ col }}, {% endfor %}
            runs.factor_swapped,
            {{ ordered_aggregate('avg', '(base_values.y_b - base_values.y_mean) * (runs.' ~ value_column ~ ' - base_values.y_a)', 'runs.base_row') }}
                as first_order_numerator,
            {{ ordered_aggregate('avg', '(base_values.y_a - runs.' ~ value_column ~ ') * (base_values.y_a - runs.' ~ value_column ~ ')', 'runs.base_row') }}
                / 2.0 as total_numerator,
            count(*) as n_base_rows
        from {{ relation }} as runs
        inner join (
            select
                paired.*,
                {{ ordered_aggregate('avg', 'paired.y_a + paired.y_b', 'paired.base_row') }} over (partition by {% for col in output_cols %}paired.{{ col }}{% if not loop.last %}, {% endif %}{% endfor %}) / 2.0 as y_mean
            from (
                select
                    {{ output_csv }},
                    base_row,
                    max(case when matrix = 'A' then {{ value_column }} end) as y_a,
                    max(case when matrix = 'B' then {{ value_column }} end) as y_b
                from {{ relation }}
                where matrix in ('A', 'B')
                group by {{ output_csv }}, base_row
            ) as paired
        ) as base_values
            on {% for col in output_cols %}runs.{{ col }} = base_values.{{ col }} and {% endfor %}runs.base_row = base_values.base_row
        where runs.matrix = 'AB'
        group by {% for col in output_cols %}runs.{{ col }}, {% endfor %}runs.factor_swapped
    ) as numerators
    inner join (
        select
            {{ output_csv }},
            {{ ordered_aggregate('var_pop', value_column, 'matrix, base_row') }} as output_variance
        from {{ relation }}
        where matrix in ('A', 'B')
        group by {{ output_csv }}
    ) as variances
        on {% for col in output_cols %}numerators.{{ col }} = variances.{{ col }}{% if not loop.last %} and {% endif %}{% endfor %}
    group by {% for col in group_by %}numerators.{{ col }}, {% endfor %}numerators.factor_swapped
{%- endmacro %}
