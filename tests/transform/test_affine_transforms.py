import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.transform.affine import (
    apply_transform,
    compose_transforms,
    invert_affine,
    transform_means,
)


@pytest.mark.parametrize("a_affine,b_affine", [(False, False), (True, False), (False, True), (True, True)])
def test_composition_equals_applying_in_turn(a_affine, b_affine):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 6))
    b = rng.standard_normal((4, 6 + b_affine))
    a = rng.standard_normal((3, 4 + a_affine))
    c = compose_transforms(a, b, b_is_affine=b_affine)
    assert c.shape == (3, 6 + (a_affine or b_affine))
    np.testing.assert_allclose(apply_transform(x, c), apply_transform(apply_transform(x, b), a), rtol=1e-4, atol=1e-4)


def test_inverse_and_shape_errors():
    rng = np.random.default_rng(1)
    w = np.concatenate([np.eye(3) + 0.3 * rng.standard_normal((3, 3)), rng.standard_normal((3, 1))], 1)
    x = rng.standard_normal((10, 3))
    np.testing.assert_allclose(apply_transform(apply_transform(x, w), invert_affine(w)), x, atol=1e-5)
    with pytest.raises(ToolkitError, match="dimension 3"):
        apply_transform(x, np.eye(5))
    with pytest.raises(ToolkitError, match="inverted"):
        invert_affine(np.ones((2, 5)))


def test_transform_means_moves_only_the_means(make_gmm):
    am = make_gmm([2, 1], 3, seed=2)
    m = np.random.default_rng(2).standard_normal((3, 4))
    out = transform_means(am, m)
    np.testing.assert_allclose(out.means, apply_transform(am.means, m), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(out.inv_vars, am.inv_vars)
    np.testing.assert_array_equal(out.log_weights, am.log_weights)
    with pytest.raises(ToolkitError, match="changes the dimension"):
        transform_means(am, np.ones((2, 3)))
