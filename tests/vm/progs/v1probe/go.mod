module cgcompat/v1probe

go 1.19
