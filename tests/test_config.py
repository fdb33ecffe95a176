"""Configuration from the environment."""
import pytest

from app import create_app
from app.config import ProductionConfig, config_from_environment


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=None, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite")


def test_production_cookies_are_secure(tmp_path):
    app = create_app(ProductionConfig, SECRET_KEY="k" * 48, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_chooses_the_configuration(monkeypatch):
    monkeypatch.setenv("WAYMARK_ENV", "production")
    assert config_from_environment() is ProductionConfig
    monkeypatch.setenv("WAYMARK_ENV", "staging")
    with pytest.raises(RuntimeError, match="WAYMARK_ENV"):
        config_from_environment()


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    from app import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config._development_secret_key(str(tmp_path))
    assert len(first) >= 48
    assert config._development_secret_key(str(tmp_path)) == first
