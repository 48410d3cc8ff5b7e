module example.org/hub-go-client-check

go 1.19
