from surveyq.cli import app

app(prog_name="surveyq")
