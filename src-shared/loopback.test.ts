import { describe, expect, it } from 'vitest'
import { loopbackHostAllowed, sameOriginAllowed } from './loopback'

describe('loopback server checks', () => {
  it('allows only loopback Host headers with the server port', () => {
    expect(
      ['127.0.0.1:7420', 'localhost:7420', 'LOCALHOST:7420', '[::1]:7420'].every((h) => loopbackHostAllowed(h, 7420)),
    ).toBe(true)
    expect(
      [undefined, '', '127.0.0.1', '127.0.0.1:7421', 'evil.example:7420', '127.0.0.1.evil.example:7420'].some((h) =>
        loopbackHostAllowed(h, 7420),
      ),
    ).toBe(false)
  })

  it('allows no Origin or the server own origin, nothing else', () => {
    expect([undefined, 'http://127.0.0.1:7420', 'http://localhost:7420'].every((o) => sameOriginAllowed(o, 7420))).toBe(
      true,
    )
    expect(
      ['', 'null', 'http://evil.example', 'http://127.0.0.1:7421', 'https://127.0.0.1:7420', 'file://'].some((o) =>
        sameOriginAllowed(o, 7420),
      ),
    ).toBe(false)
  })
})
