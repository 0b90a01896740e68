def test_it_shows_chart_to_alice(as_user, alice, cleo):
    response = as_user(alice).get(cleo.get_absolute_url())
    assert response.status_code == 200
    assert b"CANARY-Cleo" in response.content
