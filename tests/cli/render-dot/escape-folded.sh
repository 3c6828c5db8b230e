# The odd names of escape.sh as folded stacks: ';' and control
# characters replaced, everything else as it is.
long=$(printf 'example.com/very/long/path/pkg.(*Type%04d).Method' $(seq 1 40) | tr -d '\n')
{
	printf '{"kind":"profile","src":"odd","sample_types":[{"type":"n","unit":"count"}],"default_sample_type":"n"}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":3},"stack":[{"fn":"main.say\\"hi\\"","file":"a\\\\b.go"},{"fn":"main.main"}]}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":2},"stack":[{"fn":"main.new\\nline\\ttab"},{"fn":"main.main"}]}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":2},"stack":[{"fn":"main.caf\\u00e9.\\u65e5\\u672c"},{"fn":"main.main"}]}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":2},"stack":[{"fn":"main.G[go.shape.struct { a int; b string }]"},{"fn":"main.main"}]}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":1},"stack":[{"fn":"%s"},{"fn":"main.main"}]}\n' "$long"
	printf '{"kind":"sample","src":"odd","values":{"n":1},"stack":[{"fn":"main.back\\\\slash\\\\"},{"fn":"main.main"}]}\n'
	printf '{"kind":"sample","src":"odd","values":{"n":1},"stack":[{"fn":"main.\\u0000nul"},{"fn":"main.main"}]}\n'
} > odd.ndjson
printf '{"kind":"sample","src":"bad","values":{"n":1},"stack":[{"fn":"main.\xff\xfe"}]}\n' > bad-utf8.ndjson
render-dot --folded odd.ndjson
