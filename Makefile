# The two commands: `make run` and `make test`. Everything they need is installed by bin/bootstrap.
.PHONY: run test bootstrap bootstrap-test bootstrap-dev lint bench messages

run: bootstrap
	bin/run

test: bootstrap-test
	bin/test

bootstrap:
	bin/bootstrap

bootstrap-test:
	WITH_BROWSER=1 WITH_DEV=1 bin/bootstrap

bootstrap-dev:
	WITH_DEV=1 bin/bootstrap

lint: bootstrap-dev
	.venv/bin/ruff check .

messages: bootstrap
	bin/makemessages

bench: bootstrap
	.venv/bin/python -m bench
