// A small program on the Go client generated from spec/rest-api.yml
// (`make go-check` generates ./hubclient and builds this). tests/test_client.py
// runs it against a live hub: it must compile against the generated code and
// its calls must work.
//
// Usage: go-client-check API_URL ADMIN_TOKEN
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"example.org/hub-go-client-check/hubclient"
)

func client(apiURL, token string) *hubclient.APIClient {
	cfg := hubclient.NewConfiguration()
	cfg.Servers = hubclient.ServerConfigurations{{URL: apiURL}}
	cfg.AddDefaultHeader("Authorization", "token "+token)
	return hubclient.NewAPIClient(cfg)
}

func check(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

func main() {
	ctx := context.Background()
	admin := client(os.Args[1], os.Args[2])

	version, _, err := admin.HubAPI.GetApi(ctx).Execute()
	check(err, "GET /")
	fmt.Println("version", version.GetVersion())

	created, _, err := admin.UsersAPI.PostUsers(ctx).
		UsersCreateRequest(*hubclient.NewUsersCreateRequest([]string{"gopher"})).Execute()
	check(err, "POST /users")
	fmt.Println("created", created[0].GetName())

	body := hubclient.NewTokenCreateRequest()
	body.SetNote("from go")
	issued, _, err := admin.TokensAPI.PostUserTokens(ctx, "gopher").TokenCreateRequest(*body).Execute()
	check(err, "POST /users/gopher/tokens")

	me, _, err := client(os.Args[1], issued.GetToken()).HubAPI.GetCurrentUser(ctx).Execute()
	check(err, "GET /user")
	fmt.Println("whoami", me.GetName(), "token", me.GetTokenId() == issued.GetId())

	users, _, err := admin.UsersAPI.GetUsers(ctx).Limit(10).Execute()
	check(err, "GET /users")
	names := []string{}
	for _, user := range users {
		names = append(names, user.GetName())
	}
	fmt.Println("users", strings.Join(names, ","))

	_, response, err := admin.UsersAPI.GetUser(ctx, "nobody").Execute()
	if err == nil {
		fmt.Fprintln(os.Stderr, "GET /users/nobody succeeded")
		os.Exit(1)
	}
	fmt.Println("missing", response.StatusCode)

	response, err = admin.UsersAPI.DeleteUser(ctx, "gopher").Execute()
	check(err, "DELETE /users/gopher")
	fmt.Println("deleted", response.StatusCode)
}
