{#
    The built-in relationships with its failure message: the failing row holds from_field.
    The parent is named by the argument as written ({to}, e.g. ref(...)), filled in from the
    test arguments: while dbt parses, `to` is not yet the parent relation.
#}
{% test relationships(model, column_name, to, field) %}
{{ config(meta={'message': message_literal(column_name) ~ ' = {from_field!r} not found in {to}.' ~ message_literal(field)}) }}
{{ adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field) }}
{% endtest %}
