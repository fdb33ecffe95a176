from tests.browser.conftest import sign_in_as, visit

def test_shots(page):
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto("/sign-in"); page.screenshot(path="/tmp/s_signin.png", full_page=True)
    sign_in_as(page, "peter.tonks@example.org")
    page.screenshot(path="/tmp/s_mywork.png", full_page=True)
    page.goto("/periods/2"); page.screenshot(path="/tmp/s_period.png", full_page=True)
    page.goto("/updates/9"); page.screenshot(path="/tmp/s_update.png", full_page=True)
