import pytest

from modelarts import regions


def test_public_endpoints_by_region():
    assert regions.modelarts_endpoint("cn-north-4") == "https://modelarts.cn-north-4.myhuaweicloud.com"
    assert regions.iam_endpoint("cn-north-4") == "https://iam.cn-north-4.myhuaweicloud.com"


def test_ap_southeast_1_exception():
    assert regions.modelarts_endpoint("ap-southeast-1") == "https://modelarts.ap-southeast-1.myhuaweicloud.cn"


def test_operator_template_overrides_the_table():
    assert regions.modelarts_endpoint("ap-southeast-1", "https://ma.{region}.hcs.example/") == (
        "https://ma.ap-southeast-1.hcs.example"
    )


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8001", "http://localhost:8001", "http://[::1]:8001", "https://modelarts.example.com"],
)
def test_accepted_endpoints(url):
    assert regions.validate_endpoint(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://modelarts.example.com",
        "http://10.0.0.1",
        "http://127.0.0.1.evil.example",
        "ftp://127.0.0.1",
        "https://user:pw@modelarts.example.com",
        "https://modelarts.example.com/?x=1",
        "https://modelarts.example.com/#f",
        "https://",
        "https://host:99999",
        "javascript:alert(1)",
    ],
)
def test_refused_endpoints(url):
    with pytest.raises(regions.EndpointError):
        regions.validate_endpoint(url)
