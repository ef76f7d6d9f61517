{# The built-in not_null with its failure message (the SQL of the built-in test, dispatched). #}
{% test not_null(model, column_name) %}
{{ config(meta={'message': 'missing value in column ' ~ message_literal(column_name), 'column_is_indicator': true}) }}
{{ adapter.dispatch('test_not_null', 'dbt')(model, column_name) }}
{% endtest %}
