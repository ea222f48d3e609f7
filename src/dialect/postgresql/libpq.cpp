#include "dialect/postgresql/libpq.h"

#include <dlfcn.h>

#include <string>

#include "retort/error.h"

namespace retort::dialect {

LibPq::LibPq() {
  handle_ = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* why = dlerror();
    throw Error(ErrorKind::kDatabase,
                std::string("cannot load the PostgreSQL client library libpq.so.5 (Debian: "
                            "apt-get install libpq5): ") + (why ? why : "not found"));
  }
  auto load = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle_, name));
    if (!fn) {
      dlclose(handle_);
      throw Error(ErrorKind::kDatabase, std::string("libpq.so.5 lacks ") + name);
    }
  };
  load(connectdb, "PQconnectdb");
  load(status, "PQstatus");
  load(errorMessage, "PQerrorMessage");
  load(finish, "PQfinish");
  load(setNoticeProcessor, "PQsetNoticeProcessor");
  load(exec, "PQexec");
  load(execParams, "PQexecParams");
  load(resultStatus, "PQresultStatus");
  load(resultErrorField, "PQresultErrorField");
  load(resultErrorMessage, "PQresultErrorMessage");
  load(clear, "PQclear");
  load(ntuples, "PQntuples");
  load(nfields, "PQnfields");
  load(getisnull, "PQgetisnull");
  load(getvalue, "PQgetvalue");
  load(getlength, "PQgetlength");
  load(transactionStatus, "PQtransactionStatus");
  load(enterPipelineMode, "PQenterPipelineMode");
  load(exitPipelineMode, "PQexitPipelineMode");
  load(pipelineSync, "PQpipelineSync");
  load(sendQueryParams, "PQsendQueryParams");
  load(getResult, "PQgetResult");
  load(cmdTuples, "PQcmdTuples");
  load(conninfoParse, "PQconninfoParse");
  load(conninfoFree, "PQconninfoFree");
  load(freemem, "PQfreemem");
}

LibPq::~LibPq() {
  if (handle_) dlclose(handle_);
}

}  // namespace retort::dialect
