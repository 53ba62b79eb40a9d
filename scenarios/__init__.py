"""Named scenarios shipped with iccsim, one TOML file each."""
