from surveyq.console import main

main()
