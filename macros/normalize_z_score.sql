{# purpose: z-score normalise a long table by indicator direction within a scope (population sd). #}
{#
    Over each scope group g (the `partition_by` columns, e.g. index_name, indicator and
    scope_year), with the mean and the population standard deviation of the n values,
        mean_g = (1/n) sum x,   sd_g = sqrt((1/n) sum (x - mean_g)^2)    (stddev_pop)
        positive:  z_score = (x - mean_g) / sd_g
        negative:  z_score = (mean_g - x) / sd_g
    so higher is better for every indicator, mean 0 and population sd 1 in each group
    (scikit-learn's StandardScaler, which skcriteria's StandarScaler wraps, divides by the
    same n). A zero sd (every value equal) or a direction other than '+' / '-' gives
    z_score = null and is_zero_sd says so; the caller's data tests name the row.
    Two passes (the mean, then the mean squared deviation: no running-variance update, so
    a hand-worked sd is exact where the arithmetic is), each fed the rows in `order_by`
    order (unique within a group, default unit_id, year; ordered_aggregate), so the bits do
    not depend on the thread count.
    Returns every column of `relation` plus mean_value, sd_value, is_zero_sd, z_score.
#}
{% macro normalize_z_score(relation, partition_by, value_column='value', direction_column='direction', order_by=['unit_id', 'year']) -%}
    {%- set order_csv = 'src.' ~ (order_by | join(', src.')) -%}
    {%- set centred_order = 'centred.' ~ (order_by | join(', centred.')) -%}
    {%- set partition_csv = partition_by | join(', ') -%}
    select
        moments.*,
        coalesce(moments.sd_value = 0, false) as is_zero_sd,
        case
            when moments.sd_value = 0 then null
            when moments.{{ direction_column }} = '+'
                then (moments.{{ value_column }} - moments.mean_value) / moments.sd_value
            when moments.{{ direction_column }} = '-'
                then (moments.mean_value - moments.{{ value_column }}) / moments.sd_value
        end as z_score
    from (
        select
            centred.*,
            sqrt({{ ordered_aggregate(
                'avg',
                '(centred.' ~ value_column ~ ' - centred.mean_value) * (centred.' ~ value_column ~ ' - centred.mean_value)',
                centred_order
            ) }} over (partition by {{ partition_csv }})) as sd_value
        from (
            select
                src.*,
                {{ ordered_aggregate('avg', 'src.' ~ value_column, order_csv) }} over (partition by {{ partition_csv }}) as mean_value
            from {{ relation }} as src
        ) as centred
    ) as moments
{%- endmacro %}
