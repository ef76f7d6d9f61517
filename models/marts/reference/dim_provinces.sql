{#
    The provinces as the Python layer reads them (names, region, flags): one row per province,
    the reference seed as staged, nothing computed.

        is_east           region = east
        is_central_west   region in (central, west), the papers’ central-western group
#}

with

provinces as (
    select * from {{ ref('stg_reference__provinces') }}
),

final as (
    select
        province_code,
        province_name_en,
        province_name_zh,
        region,
        is_east,
        is_central_west,
        is_coastal,
        ftz_year
    from provinces
)

select * from final
