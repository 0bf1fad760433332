import { describe, expect, it } from 'vitest'
import { isLoopback, sameServer } from './server-url'

describe('same server', () => {
  it('treats the loopback names as one machine, and ignores case, default ports and trailing slashes', () => {
    expect(sameServer('http://127.0.0.1:10610', 'http://localhost:10610/')).toBe(true)
    expect(sameServer('http://[::1]:8000', 'HTTP://LOCALHOST:8000')).toBe(true)
    expect(sameServer('https://GPU-box/', 'https://gpu-box:443')).toBe(true)
    expect(sameServer('http://127.0.0.1:10610', 'http://127.0.0.1:10611')).toBe(false)
    expect(sameServer('http://gpu-a:10610', 'http://gpu-b:10610')).toBe(false)
    expect(sameServer('http://0.0.0.0:10610', 'http://127.0.0.1:10610')).toBe(false)
    expect(sameServer(null, 'http://127.0.0.1:1')).toBe(false)
    expect(sameServer('not a url/', 'NOT A URL')).toBe(true)
  })

  it('knows a server on this machine', () => {
    expect(isLoopback('http://localhost:1')).toBe(true)
    expect(isLoopback('http://10.0.0.2:1')).toBe(false)
    expect(isLoopback('nonsense')).toBe(false)
  })
})
