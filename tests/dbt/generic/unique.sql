{# The built-in unique with its failure message: the failing row holds unique_field and n_records. #}
{% test unique(model, column_name) %}
{{ config(meta={'message': message_literal(column_name) ~ ' = {unique_field!r} is not unique ({n_records} rows)'}) }}
{{ adapter.dispatch('test_unique', 'dbt')(model, column_name) }}
{% endtest %}
