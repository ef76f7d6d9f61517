{# The built-in accepted_values with its failure message: the failing row holds value_field and n_records. #}
{% test accepted_values(model, column_name, values, quote=True) %}
{{ config(meta={'message': message_literal(column_name) ~ ' = {value_field!r} is not one of ' ~ message_literal(values | join(', '))}) }}
{{ adapter.dispatch('test_accepted_values', 'dbt')(model, column_name, values, quote) }}
{% endtest %}
