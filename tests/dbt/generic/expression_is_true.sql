{#
    Fails with every row for which the SQL expression is not true (null counts as failure).
    The message quotes the expression as written in the YAML ({expression} is filled from
    the test arguments): while dbt parses, a macro in it (is_finite) renders empty.
#}
{% test expression_is_true(model, expression, column_name=none, where_clause=none) %}
{{ config(meta={'message': 'fails the check `{expression}`', 'column_is_indicator': true}) }}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause %}
    and ({{ where_clause }})
{%- endif %}

{% endtest %}
