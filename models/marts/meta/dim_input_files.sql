{# One row per raw input of this build: path, fingerprint and whether it is synthetic demo data. #}
with

input_files as (
    select * from {{ ref('stg_inputs__files') }}
),

described as (
    select
        input_name,
        path_var,
        case
            when path is not null then path
            when input_name = 'martin_series'
                then 'derived: provincial real GDP (int_province_real_gdp_chained)'
            when input_name = 'province_rd'
                then 'none: no provinces in the R&D stocks (var province_rd_path is null)'
            when input_name = 'indicator_system' then 'seeds/reference/indicator_systems.csv'
            else 'seeds/reference/' || input_name || '.csv'
        end as file_path,
        path is null and input_name not in ('martin_series', 'province_rd') as is_reference_seed,
        coalesce(is_present, false) or (path is null and input_name != 'province_rd') as is_present,
        size_bytes,
        sha256,
        coalesce(is_synthetic_demo, false) as is_synthetic_demo
    from input_files
)

select * from described
