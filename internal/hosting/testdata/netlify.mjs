// Netlify's side of TestNetlifyParity: reads a JSON job on stdin, runs
// Netlify's published parsers (@netlify/redirect-parser,
// @netlify/headers-parser), its configuration resolver (@netlify/config)
// and its redirect matcher (netlify-redirector, what `netlify dev` uses)
// over the job's files and requests, and prints what they make of them as
// JSON. The packages are the pinned ones of package.json (npm ci).
//
// Job:    {cases: [{toml, redirects, headers, resolve}], requests: [{case, path, escapedPath, query, host, language, country, cookies}]}
// Answer: {cases: [{redirects, headers, redirectErrors, headerErrors, config}], requests: [{redirect, headers}]}
import { readFileSync } from 'node:fs'

import { resolveConfig } from '@netlify/config'
import { parseAllHeaders } from '@netlify/headers-parser'
import { parseAllRedirects } from '@netlify/redirect-parser'
import redirector from 'netlify-redirector'

const job = JSON.parse(readFileSync(0, 'utf8'))
const files = (c, key) => (c[key] ? [c[key]] : [])

// The shape netlify-redirector takes, as netlify dev builds it.
const forMatcher = ({ conditions: { country, language, role, ...conditions }, from, query, signed, ...rest }) => ({
  ...rest,
  origin: from,
  params: query,
  conditions: {
    ...conditions,
    ...(role && { Role: role }),
    ...(country && { Country: country }),
    ...(language && { Language: language }),
  },
  ...(signed && { sign: { jwt_secret: signed } }),
})

const cases = []
const matchers = []
for (const c of job.cases) {
  const out = {}
  const minimal = await parseAllRedirects({ redirectsFiles: files(c, 'redirects'), netlifyConfigPath: c.toml, configRedirects: [], minimal: true })
  out.redirects = minimal.redirects
  out.redirectErrors = minimal.errors.map((e) => e.message)
  const full = await parseAllRedirects({ redirectsFiles: files(c, 'redirects'), netlifyConfigPath: c.toml, configRedirects: [], minimal: false })
  matchers.push(full.redirects.length > 0 ? await redirector.parseJSON(JSON.stringify(full.redirects.map(forMatcher)), {}) : null)
  const headers = await parseAllHeaders({ headersFiles: files(c, 'headers'), netlifyConfigPath: c.toml, configHeaders: [], minimal: false })
  out.headers = headers.headers.map((h) => ({ for: h.for, values: h.values }))
  out.headerErrors = headers.errors.map((e) => e.message)
  c.regexps = headers.headers.map((h) => h.forRegExp)
  if (c.resolve) {
    try {
      const { config } = await resolveConfig({ config: c.toml, repositoryRoot: c.resolve, cwd: c.resolve, offline: true, mode: 'cli', context: 'production' })
      out.config = { redirects: config.redirects, headers: config.headers }
    } catch (error) {
      out.config = { error: String(error.message || error) }
    }
  }
  cases.push(out)
}

const requests = job.requests.map((r) => {
  const c = job.cases[r.case]
  const headers = { 'x-language': r.language || '', 'x-country': r.country || '' }
  const cookies = r.cookies || {}
  const m = matchers[r.case]?.match({
    scheme: 'https',
    host: r.host || 'help.example.com',
    path: r.path,
    query: r.query || '',
    headers,
    getHeader: (name) => headers[name.toLowerCase()] || '',
    getCookie: (name) => cookies[name] || '',
  })
  return {
    redirect: m ? { to: m.to, status: m.status, force: m.force } : null,
    headers: c.regexps.flatMap((re, i) => (re.test(r.escapedPath) ? [i] : [])),
  }
})

process.stdout.write(JSON.stringify({ cases, requests }))
