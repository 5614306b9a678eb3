# Serving guest requests: the entry point platforms hand calls to.
kernel-y += kernel/req/serve.o
kernel-test-y += tests/vm/test_request.o
