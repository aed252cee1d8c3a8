module github.com/newswire/newswire

go 1.26.8
