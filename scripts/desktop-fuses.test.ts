import { describe, expect, it } from 'vitest'
import { DESKTOP_FUSES, fuseWire } from './desktop-fuses.mjs'

describe('desktop fuses (scripts/desktop-fuses.mjs)', () => {
  it('switches off Node entry points and loads only an integrity-checked app.asar', () => {
    expect(DESKTOP_FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    })
  })

  it('maps the names onto the fuse wire of @electron/fuses 1.8 (FuseV1Options)', () => {
    const v1 = {
      RunAsNode: 0,
      EnableCookieEncryption: 1,
      EnableNodeOptionsEnvironmentVariable: 2,
      EnableNodeCliInspectArguments: 3,
      EnableEmbeddedAsarIntegrityValidation: 4,
      OnlyLoadAppFromAsar: 5,
      LoadBrowserProcessSpecificV8Snapshot: 6,
      GrantFileProtocolExtraPrivileges: 7,
    }
    expect(fuseWire(v1)).toEqual({ 0: false, 1: true, 2: false, 3: false, 4: true, 5: true, 6: false, 7: false })
    expect(() => fuseWire({ RunAsNode: 0 })).toThrow('@electron/fuses does not know the fuse EnableCookieEncryption')
  })
})
