{# purpose: keep schema test_failures to the tests that failed or warned: drop the empty table a passing test stored. #}
{#
    on-run-end hook (dbt_project.yml). store_failures writes one table per data test, empty
    when the test passed: 485 empty tables in a good warehouse, cluttering every SQL browser.
    For every data test of this run whose status is pass, its table is dropped, so
    test_failures holds exactly the failing (or warning) rows. A test not run this time keeps
    what an earlier run stored only if it failed then (a pass dropped it).
#}
{% macro drop_passed_test_failures(results) -%}
    {#- one statement per call: Spark SQL takes no batch of statements -#}
    {%- if execute -%}
        {%- for result in results
            if result.node.resource_type == 'test'
            and result.status == 'pass'
            and result.node.relation_name -%}
            {%- do run_query('drop table if exists ' ~ result.node.relation_name) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
