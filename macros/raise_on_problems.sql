{# purpose: select every row of `rows_cte` if the CTE `problems_cte` (one text column `problem`) is empty, else abort the query with the number of problems and the first one (alphabetically). #}
{% macro raise_on_problems(rows_cte, problems_cte, not_null_column) -%}
    {%- set model_name = model.name if model is defined and model.name is defined else 'raise_on_problems' -%}
    select {{ rows_cte }}.*
    from (
        select
            count(*) as n_problems,
            min(problem) as first_problem
        from {{ problems_cte }}
    ) as problem_summary
    left join {{ rows_cte }} on 1 = 1
    where
        case
            when problem_summary.n_problems = 0 then true
            else {{ raise_error(
                "'" ~ model_name ~ ": ' || cast(problem_summary.n_problems as string)
                || ' input problem(s); the first: ' || problem_summary.first_problem"
            ) }}
        end
        and {{ rows_cte }}.{{ not_null_column }} is not null
{%- endmacro %}
