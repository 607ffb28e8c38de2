//! A switch: the plan carried out, hop by hop, with codes, the MFA session
//! and the cache.

use super::*;

impl Engine {
    /// Credentials for bookmark `name`: a fresh cached session, or new ones
    /// from STS. `code` is the 6-digit code when `needs_code` asked for one.
    pub async fn switch(&self, name: &str, code: Option<String>) -> Result<Switched, Error> {
        self.run(name, code, false).await
    }

    /// Like `switch`, but never reuse `name`'s own cached role session (a
    /// manual renewal); hops it goes via and the MFA session are still reused.
    pub async fn renew(&self, name: &str, code: Option<String>) -> Result<Switched, Error> {
        self.run(name, code, true).await
    }

    async fn run(&self, name: &str, code: Option<String>, force: bool) -> Result<Switched, Error> {
        // The usual case, a fresh cached session, takes no lock.
        if !force && let Some(hit) = self.cached_switch(name).await? {
            return Ok(hit);
        }
        // One process fills a missing session; the others wait, then find it.
        let _fill = match &self.cache {
            Some(cache) => cache.fill_lock(&Cache::role_name(name)).await,
            None => None,
        };
        self.fill(name, code, force).await
    }

    /// `name`'s own cached session, if it is fresh and made for this request.
    async fn cached_switch(&self, name: &str) -> Result<Option<Switched>, Error> {
        let chain = self.chain(name)?;
        let root = chain[chain.len() - 1];
        let (source, base) = self.base(root);
        let hops = self.plan(&chain, &base);
        Ok(
            match self.cached_role_told(&hops[0], &base, self.now(), false) {
                Some(s) => Some(self.switched_from(&hops[0], s, &source).await),
                None => None,
            },
        )
    }

    /// Every cached role session still valid at `now` that was made for its
    /// bookmark as the file has it now (the inputs a switch checks: role,
    /// base identity, external ID, chain...), by bookmark name: the
    /// sessions another rolehop (`env`, `exec`, the agent) left in the shared
    /// cache, for the picker's pane. Unlike a switch it takes one inside its
    /// refresh window too: it is shown, not reused. No cache: none.
    pub async fn cached_sessions(&self) -> Result<Vec<(String, Switched)>, CacheError> {
        let Some(cache) = &self.cache else {
            return Ok(Vec::new());
        };
        let now = self.now();
        let mut found = Vec::new();
        for s in cache.sessions()?.roles {
            // A bookmark since removed (or a broken chain) has no session to show.
            let Ok(chain) = self.chain(&s.bookmark) else {
                continue;
            };
            let (source, base) = self.base(chain[chain.len() - 1]);
            let hops = self.plan(&chain, &base);
            if mismatch(&s, &hops[0], &base).is_some() || from_unix(s.creds.expires) <= now {
                continue;
            }
            let name = s.bookmark.clone();
            found.push((name, self.switched_from(&hops[0], s, &source).await));
        }
        Ok(found)
    }

    async fn switched_from(&self, hop: &Hop<'_>, s: RoleSession, source: &BaseSource) -> Switched {
        let region = self.region(hop.b, source).await;
        Switched {
            assumed: Assumed {
                creds: s.creds.to_credentials(),
                region,
            },
            obtained: from_unix(s.obtained),
            limit: s.limit,
            cached: true,
            mode: s.mode,
        }
    }

    /// Assume what no fresh cached session covers (under the fill lock).
    async fn fill(&self, name: &str, code: Option<String>, force: bool) -> Result<Switched, Error> {
        let now = self.now();
        let chain = self.chain(name)?;
        let root = chain[chain.len() - 1];
        let (source, base) = self.base(root);
        let hops = self.plan(&chain, &base);

        // The hop nearest the target with a fresh session ends the work.
        let mut start = hops.len();
        let mut current: Option<Credentials> = None;
        for (i, hop) in hops.iter().enumerate() {
            if i == 0 && force {
                continue;
            }
            if let Some(s) = self.cached_role(hop, &base, now) {
                if i == 0 {
                    return Ok(self.switched_from(hop, s, &source).await);
                }
                current = Some(s.creds.to_credentials());
                start = i;
                break;
            }
        }

        let mut code = code;
        let mut last = None;
        for hop in hops[..start].iter().rev() {
            let region = self.region(hop.b, &source).await;
            let call_region = region.as_deref().unwrap_or(sts::FALLBACK_REGION);
            let got = match current.take() {
                Some(prev) => self.assume_via(hop, &prev, call_region, &mut code).await?,
                None if hop.mode == Mode::Sso => self.assume_sso(hop).await?,
                None => {
                    self.assume_root(hop, &source, &base, call_region, &mut code)
                        .await?
                }
            };
            let obtained = self.now();
            let session = RoleSession {
                bookmark: hop.b.name.to_string(),
                role_arn: hop.b.role_arn(),
                external_id: hop.b.external_id.as_deref().map(str::to_owned),
                session_name: hop.session_name.clone(),
                duration: got.duration,
                base: base.clone(),
                mfa_serial: hop.b.mfa_serial.as_deref().map(str::to_owned),
                via: hop.via.clone(),
                mode: got.mode,
                creds: StoredCreds::from(&got.creds),
                obtained: unix(obtained),
                region: region.clone(),
                limit: got.limit.clone(),
            };
            if let Some(cache) = &self.cache {
                cache.put_or_warn(&Cache::role_name(&hop.b.name), &Entry::Role(session));
            }
            current = Some(got.creds.clone());
            last = Some(Switched {
                assumed: Assumed {
                    creds: got.creds,
                    region,
                },
                obtained,
                limit: got.limit,
                cached: false,
                mode: got.mode,
            });
        }
        last.ok_or_else(|| Error::Usage {
            message: format!("nothing to assume for bookmark {name:?}"),
            hint: None,
        })
    }

    async fn region(&self, b: &Bookmark, source: &BaseSource) -> Option<String> {
        if let Some(cfg) = self.sso_instance_of(b) {
            return Some(b.region.as_deref().unwrap_or(cfg.role_region()).to_owned());
        }
        sts::resolve_region(b.region.as_deref(), &self.env, source).await
    }

    /// An IAM Identity Center role: GetRoleCredentials with the instance's
    /// token (refreshed first when it is near its end). No STS, no code.
    async fn assume_sso(&self, hop: &Hop<'_>) -> Result<Got, Error> {
        let name = self
            .bookmarks
            .extras(&hop.b.name)
            .sso
            .clone()
            .unwrap_or_default();
        let inst = crate::sso::instance(&self.bookmarks.settings, &name)?;
        let token = crate::sso::access_token(&inst, self.now()).await?;
        let client = crate::sso::portal::client(&inst, true).await;
        let creds = crate::sso::portal::role_credentials(
            &client,
            &inst,
            &token,
            &hop.b.account,
            &hop.b.role,
        )
        .await?;
        Ok(Got {
            creds,
            mode: Mode::Sso,
            duration: None,
            limit: None,
        })
    }

    /// Take the code for `b`'s device, or say one is needed; refuse a code
    /// that was accepted moments ago.
    fn take_code(
        &self,
        code: &mut Option<String>,
        b: &Bookmark,
        serial: &str,
        for_mfa_session: bool,
    ) -> Result<String, Error> {
        let now = self.now();
        let guard = self.cache.as_deref().map(Guard::new);
        let Some(c) = code.take() else {
            return Err(Error::CodeNeeded(CodeNeeded {
                bookmark: b.name.to_string(),
                serial: serial.to_owned(),
                wait: guard.and_then(|g| g.wait(serial, now)),
                for_mfa_session,
            }));
        };
        if let Some(g) = &guard
            && let Err(r) = g.check(serial, &c, now)
        {
            return Err(Error::Mfa {
                message: format!(
                    "this MFA code for {serial} was already used; AWS accepts each code only once"
                ),
                hint: Some(format!(
                    "wait {} s for the next code from your device",
                    r.wait.as_secs()
                )),
            });
        }
        Ok(c)
    }

    fn accepted(&self, serial: &str, code: &str) {
        if let Some(cache) = &self.cache {
            Guard::new(cache).record(serial, code, self.now());
        }
    }

    /// AssumeRole with the previous hop's credentials (role chaining).
    async fn assume_via(
        &self,
        hop: &Hop<'_>,
        prev: &Credentials,
        region: &str,
        code: &mut Option<String>,
    ) -> Result<Got, Error> {
        let client = self.client_with(prev, region).await;
        let mut req = request(hop.b, &self.env, None);
        req.duration = hop.duration;
        req.session_name = hop.session_name.clone();
        if let Some(serial) = &hop.b.mfa_serial {
            let c = self.take_code(code, hop.b, serial, false)?;
            req.mfa = Some((serial.to_string(), c));
        }
        let creds = match sts::assume_role(&client, &req).await {
            Ok(c) => c,
            Err(e) => return Err(sts::with_identity(&client, e).await.into()),
        };
        if let Some((serial, c)) = &req.mfa {
            self.accepted(serial, c);
        }
        let from = hop.via.first().map_or("", String::as_str);
        Ok(Got {
            creds,
            mode: Mode::Via,
            duration: req.duration,
            limit: chaining_note(hop.b, &format!("assumed with the credentials of {from:?}")),
        })
    }

    /// The chain's first AssumeRole, from the base identity.
    async fn assume_root(
        &self,
        hop: &Hop<'_>,
        source: &BaseSource,
        base: &str,
        region: &str,
        code: &mut Option<String>,
    ) -> Result<Got, Error> {
        if let BaseSource::NotCopied { access_key_id } = source {
            return Err(Error::Usage {
                message: format!(
                    "cannot assume {:?} from the base identity here: its keys ({access_key_id}) were environment variables of the shell outside this rolehop shell, and rolehop never copies secret keys into a role's shell",
                    hop.b.name
                ),
                hint: Some(
                    "exit this shell and switch from there, start shells with `rolehop exec` without --static (nested hops then go through it), or keep the base keys in a profile (aws configure)".into(),
                ),
            });
        }
        let client = self.base_client(source, region).await;
        let mut req = request(hop.b, &self.env, None);
        req.session_name = hop.session_name.clone();
        let fail = |e: StsError| explain(e, source, &self.env, &client);
        let serial = match (&hop.b.mfa_serial, hop.mode) {
            (None, _) | (_, Mode::Plain) => {
                let creds = match sts::assume_role(&client, &req).await {
                    Ok(c) => c,
                    Err(e) => return Err(fail(e).await.into()),
                };
                return Ok(Got {
                    creds,
                    mode: Mode::Plain,
                    duration: req.duration,
                    limit: None,
                });
            }
            (Some(s), _) => s.clone(),
        };

        let mut direct_code = None;
        if hop.mode == Mode::MfaSession {
            let now = self.now();
            let mfa = match self.cached_mfa(base, &serial, now) {
                Some(m) => Some(m.creds.to_credentials()),
                None => {
                    let c = self.take_code(code, hop.b, &serial, true)?;
                    let duration = self.bookmarks.settings.mfa_session_duration;
                    match sts::get_session_token(&client, &serial, &c, duration).await {
                        Ok(m) => {
                            self.accepted(&serial, &c);
                            if let Some(cache) = &self.cache {
                                cache.put_or_warn(
                                    &Cache::mfa_name(base, &serial),
                                    &Entry::Mfa(MfaSession {
                                        base: base.to_owned(),
                                        mfa_serial: serial.to_string(),
                                        creds: StoredCreds::from(&m),
                                        obtained: unix(self.now()),
                                    }),
                                );
                            }
                            Some(m)
                        }
                        Err(StsError::SessionTokenRefused { message }) => {
                            // STS checks the caller before the code, so the
                            // code is still unspent: use it directly.
                            self.remember_direct(base, &message);
                            direct_code = Some(c);
                            None
                        }
                        Err(e) => return Err(fail(e).await.into()),
                    }
                }
            };
            if let Some(mfa) = mfa {
                let chained = self.client_with(&mfa, region).await;
                req.duration = hop.duration;
                let creds = match sts::assume_role(&chained, &req).await {
                    Ok(c) => c,
                    Err(e) => return Err(sts::with_identity(&chained, e).await.into()),
                };
                return Ok(Got {
                    creds,
                    mode: Mode::MfaSession,
                    duration: req.duration,
                    limit: chaining_note(hop.b, "assumed with MFA-session credentials"),
                });
            }
        }

        // Direct: the code goes with AssumeRole itself; the bookmark's own duration.
        let c = match direct_code {
            Some(c) => c,
            None => self.take_code(code, hop.b, &serial, false)?,
        };
        req.duration = hop.b.duration;
        req.mfa = Some((serial.to_string(), c.clone()));
        let creds = match sts::assume_role(&client, &req).await {
            Ok(creds) => creds,
            Err(e) => return Err(fail(e).await.into()),
        };
        self.accepted(&serial, &c);
        Ok(Got {
            creds,
            mode: Mode::DirectMfa,
            duration: req.duration,
            limit: None,
        })
    }

    fn remember_direct(&self, base: &str, why: &str) {
        let Some(cache) = &self.cache else { return };
        cache.warn(format!(
            "STS refused an MFA session for this identity ({why}); assuming with the MFA code directly from now on (`rolehop logout` forgets this)"
        ));
        cache.put_or_warn(
            &Cache::prefs_name(base),
            &Entry::Prefs(Prefs {
                base: base.to_owned(),
                direct_mfa: true,
                since: unix(self.now()),
            }),
        );
    }
}

/// An STS failure of a call made with the base credentials, in full words.
async fn explain(
    e: StsError,
    source: &BaseSource,
    env: &EnvView,
    client: &aws_sdk_sts::Client,
) -> StsError {
    match e {
        e @ StsError::NoCredentials { .. } => sts::name_source(e, source, env),
        e => sts::with_identity(client, e).await,
    }
}

/// What one AssumeRole produced.
struct Got {
    creds: Credentials,
    mode: Mode,
    /// DurationSeconds as sent (recorded, so the next lookup matches it).
    duration: Option<u32>,
    limit: Option<String>,
}

/// The note for a chained session, when the 1 h cap is what limits it.
fn chaining_note(b: &Bookmark, how: &str) -> Option<String> {
    let capped = b.duration.is_none_or(|d| d >= CHAINING_LIMIT);
    capped.then(|| format!("1 h: role chaining limit ({how})"))
}
